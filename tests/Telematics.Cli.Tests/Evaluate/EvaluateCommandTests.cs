namespace Telematics.Cli.Tests.Evaluate;

public sealed class EvaluateCommandTests : IDisposable
{
    private const string ScoresHeader = "driver_id,score,category,raw_output,model,version,experiment,variant,premium,currency,error,top_factors,out_of_range_share,confidence,score_low,score_high,category_settled";

    private readonly string _folder = Directory.CreateTempSubdirectory("evaluate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Evaluate_reports_deviance_against_the_constant_rate_gini_against_the_oracle_and_the_claims_balance()
    {
        var scores = Write("scores.csv", ScoresHeader,
            "D1,10,excellent,0.1,m,1,,,,,,a:+1|b:-2,0,high",
            "D2,40,good,0.5,m,1,,,,,,,0,high",
            "D3,20,excellent,0.2,m,1,,,,,,,0,high",
            "D4,90,high,1.0,m,1,,,,,,,0,high",
            "D5,,,,m,1,,,,,'D5': no features, a, b,,,");
        var labels = Write("labels.csv", "driver_id,exposure_years,claims,true_lambda", "D1,1,0,0.05", "D2,1,1,0.6", "D3,1,0,0.1", "D4,1,2,1.5");

        var (exit, text, error) = await CliRunner.RunAsync("evaluate", "--scores", scores, "--labels", labels);
        var checkedRun = await CliRunner.RunAsync("evaluate", "--scores", scores, "--labels", labels, "--check");

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("drivers 4 (1 without a score left out, 0 labelled but not in the scores), exposure 4.0 years, observed claims 3", text, StringComparison.Ordinal);
        Assert.Contains("classical GLM: not compared", text, StringComparison.Ordinal);
        // 2·Σ[y·ln(y/μ) − (y − μ)] / 4 with μ = 0.1, 0.5, 0.2, 1.0 and y = 0, 1, 0, 2; the constant rate is 3 claims / 4 years.
        Assert.Contains("mean Poisson deviance 0.43972; constant rate 0.75000 (the labels' own): 1.12467", text, StringComparison.Ordinal);
        // The model and the oracle order the drivers alike: the same Gini, 100 % of the oracle's.
        Assert.Contains("share of the oracle's 100.0 %", text, StringComparison.Ordinal);
        Assert.Contains("predicted / observed claims 0.600 (1.8 / 3)", text, StringComparison.Ordinal);
        Assert.Contains("decile,drivers,exposure_years,predicted_claims,observed_claims", text, StringComparison.Ordinal);
        // --check fails on the balance only (0.6× is outside ±5 %), and says so.
        Assert.Equal(ExitCodes.PartialFailure, checkedRun.Exit);
        Assert.Contains("check failed: the scored model predicts 0.600× the observed claims, outside ±5 %.", checkedRun.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("deviance", checkedRun.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Gini", checkedRun.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("blank raw_output", "1 driver(s) of the scores have no raw_output ('D4')")]
    [InlineData("dropped rows", "2 labelled driver(s) are not in the scores ('D4', 'D5')")]
    public async Task Check_fails_when_part_of_the_population_is_not_scored_naming_how_many_and_who(string gap, string expected)
    {
        // Scores that pass every check on the drivers they hold: the gap alone must fail the run.
        string[] rows = ["D1,10,excellent,0.5,m,1,,,,,,,0,high", "D2,40,good,0.5,m,1,,,,,,,0,high", "D3,20,excellent,0.5,m,1,,,,,,,0,high"];
        var scores = gap == "blank raw_output"
            ? Write("scores.csv", [ScoresHeader, .. rows, "D4,,,,m,1,,,,,no features,,,,,,"])
            : Write("scores.csv", [ScoresHeader, .. rows]);
        var labels = gap == "blank raw_output"
            ? Write("labels.csv", "driver_id,exposure_years,claims", "D1,2,1", "D2,2,1", "D3,2,1", "D4,2,9")
            : Write("labels.csv", "driver_id,exposure_years,claims", "D1,2,1", "D2,2,1", "D3,2,1", "D4,2,9", "D5,2,9");

        var (exit, _, error) = await CliRunner.RunAsync("evaluate", "--scores", scores, "--labels", labels, "--constant-rate", "0.6", "--check");

        Assert.Equal(ExitCodes.PartialFailure, exit);
        Assert.Contains("check failed: " + expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("predicts", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_given_constant_rate_is_the_baseline()
    {
        var scores = Write("scores.csv", ScoresHeader, "D1,50,average,0.75,m,1,,,,,,,0,high", "D2,50,average,0.75,m,1,,,,,,,0,high");
        var labels = Write("labels.csv", "driver_id,exposure_years,claims", "D1,1,1", "D2,1,0");

        var (exit, text, error) = await CliRunner.RunAsync("evaluate", "--scores", scores, "--labels", labels, "--constant-rate", "0.75");

        Assert.True(exit == ExitCodes.Success, error);
        // The model predicts the constant: the same deviance as the baseline, and no oracle without true_lambda.
        Assert.Contains("constant rate 0.75000 (given)", text, StringComparison.Ordinal);
        Assert.Contains("no true_lambda, so no oracle", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("D1,50,average,abc,m,1,,,,,,,0,high", "line 2, driver 'D1': raw_output 'abc' is not a positive number")]
    [InlineData("D9,50,average,0.1,m,1,,,,,,,0,high", "D9")]
    public async Task A_bad_score_or_a_driver_without_labels_is_an_input_error_that_names_it(string row, string expected)
    {
        var scores = Write("scores.csv", ScoresHeader, row);
        var labels = Write("labels.csv", "driver_id,exposure_years,claims", "D1,1,0");

        var (exit, _, error) = await CliRunner.RunAsync("evaluate", "--scores", scores, "--labels", labels);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_positive_constant_rate_is_a_usage_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync("evaluate", "--scores", "s.csv", "--labels", "l.csv", "--constant-rate", "0");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--constant-rate", error, StringComparison.Ordinal);
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
