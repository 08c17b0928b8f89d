using Telematics.Training.Modeling;

namespace Telematics.Training.Tests.Modeling;

public sealed class FoldAssignmentTests
{
    [Fact]
    public void Folds_are_balanced_and_the_same_for_the_same_seed()
    {
        var a = FoldAssignment.Create(103, 5, 42);
        var b = FoldAssignment.Create(103, 5, 42);
        var c = FoldAssignment.Create(103, 5, 43);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        for (var f = 0; f < 5; f++)
        {
            Assert.InRange(a.Count(x => x == f), 20, 21);
        }
    }
}
