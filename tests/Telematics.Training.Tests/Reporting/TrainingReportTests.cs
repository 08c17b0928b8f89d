using Telematics.Training.Modeling;
using Telematics.Training.Reporting;

namespace Telematics.Training.Tests.Reporting;

public sealed class TrainingReportTests
{
    [Fact]
    public void Against_the_oracle_lists_every_model_cross_validated_including_the_packaged_GLM()
    {
        var cv = SmallPopulation.CrossValidation;
        Assert.NotNull(cv.Find(FrequencyModelKind.GlmTelematics.Name()));

        var report = new TrainingReport
        {
            Command = "telematics train",
            Data = "synthetic",
            Totals = (SmallPopulation.Data.Count, 10, 600),
            CrossValidation = cv,
        }.ToMarkdown();

        var section = report[report.IndexOf("## Against the oracle", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", StringComparison.Ordinal)];
        foreach (var kind in FrequencyModelKinds.All)
        {
            Assert.Contains($"- {kind.Name()}: normalised Gini ", section, StringComparison.Ordinal);
        }
    }
}
