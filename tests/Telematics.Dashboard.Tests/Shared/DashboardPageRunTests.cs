using Telematics.Dashboard.Api;

namespace Telematics.Dashboard.Tests.Shared;

/// <summary>How a page's calls set and clear its problem banner, overlapping loads included.</summary>
public sealed class DashboardPageRunTests
{
    [Fact]
    public async Task A_superseded_load_that_succeeds_after_the_newer_load_failed_leaves_the_newer_loads_problem()
    {
        var page = new Probe();

        // The newer load (a change of period) fails first; the older one (a live reload) comes back later, successfully.
        Assert.False(await page.Run(() => throw new ApiException(503, "The book's figures cannot be read right now.")));
        Assert.False(await page.Run(page.Superseded));

        Assert.Equal("The book's figures cannot be read right now.", page.CurrentProblem);
        Assert.Equal(503, page.CurrentStatus);
    }

    [Fact]
    public async Task A_current_load_that_succeeds_clears_the_problem()
    {
        var page = new Probe();
        await page.Run(() => throw new ApiException(503, "down"));

        Assert.True(await page.Run(() => Task.CompletedTask));

        Assert.Null(page.CurrentProblem);
        Assert.Null(page.CurrentStatus);
    }

    private sealed class Probe : Telematics.Dashboard.Shared.DashboardPage
    {
        public string? CurrentProblem => Problem;

        public int? CurrentStatus => ProblemStatus;

        public Task<bool> Run(Func<Task> call) => RunAsync(call);

        public Task Superseded() => throw new SupersededLoadException();

        protected override Task LoadAsync() => Task.CompletedTask;
    }
}
