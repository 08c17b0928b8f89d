using System.Globalization;
using System.Text.Json;

using Telematics.Features.Schema;
using Telematics.Scoring.Pricing;
using Telematics.Service.Scoring;
using Telematics.Storage.Postgres.Scoring;

using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

public sealed class PremiumBreakdownJsonTests
{
    private static readonly PricingPlan Plan = PricingPlanJson.Parse(PlanJson);

    private static PremiumQuote Quote(double score, double annualKm, string? region, double nightShare) =>
        PremiumCalculator.Calculate(Plan, score, annualKm, region, TelematicsFeatures.Schema, TripVector(20, 0.5, nightShare, 0.5));

    [Fact]
    public void The_breakdown_holds_the_quote_with_every_step_and_its_exact_amounts()
    {
        var quote = Quote(63.5, 14_200, "FR-75", nightShare: 0.01);

        using var json = JsonDocument.Parse(PremiumBreakdownJson.Write(quote, 63.5, 14_200, "FR-75"));

        var root = json.RootElement;
        Assert.Equal("ubi-standard-2027", root.GetProperty("plan").GetString());
        Assert.Equal(quote.Premium, root.GetProperty("premium").GetDecimal());
        Assert.Equal("FR-75", root.GetProperty("region").GetString());
        Assert.Equal(14_200, root.GetProperty("annual_km").GetDouble());
        var steps = root.GetProperty("steps");
        Assert.Equal(quote.Steps.Count, steps.GetArrayLength());
        for (var i = 0; i < quote.Steps.Count; i++)
        {
            Assert.Equal(quote.Steps[i].Name, steps[i].GetProperty("name").GetString());
            Assert.Equal(quote.Steps[i].Value, steps[i].GetProperty("value").GetDecimal());
            Assert.Equal(quote.Steps[i].RunningTotal, steps[i].GetProperty("running_total").GetDecimal());
            Assert.Equal(quote.Steps[i].Detail, steps[i].GetProperty("detail").GetString());
        }
    }

    [Fact]
    public void A_short_breakdown_written_after_a_long_one_on_the_same_thread_carries_nothing_of_it()
    {
        var longOne = Quote(20, 40_000, "FR-13", nightShare: 0.01);
        var shortOne = Quote(99, 100, null, nightShare: 0.5);
        var fresh = PremiumBreakdownJson.Write(shortOne, 99, 100, null);

        PremiumBreakdownJson.Write(longOne, 20, 40_000, "FR-13");
        var again = PremiumBreakdownJson.Write(shortOne, 99, 100, null);

        Assert.Equal(fresh, again);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(again).RootElement.GetProperty("region").ValueKind);
    }

    [Fact]
    public void Breakdowns_written_on_many_threads_at_once_equal_those_written_one_by_one()
    {
        var quotes = new (PremiumQuote Quote, double Score, double Km, string? Region)[400];
        for (var i = 0; i < quotes.Length; i++)
        {
            double score = i % 101;
            double km = 1_000 + (i * 97);
            var region = (i % 4) switch { 0 => null, 1 => "FR-75", 2 => "FR-13", _ => "FR-35" };
            quotes[i] = (Quote(score, km, region, nightShare: (i % 10) / 100.0), score, km, region);
        }

        var expected = quotes.Select(q => PremiumBreakdownJson.Write(q.Quote, q.Score, q.Km, q.Region)).ToArray();
        var actual = new string[quotes.Length];
        Parallel.For(0, quotes.Length * 20, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            var i = n % quotes.Length;
            var text = PremiumBreakdownJson.Write(quotes[i].Quote, quotes[i].Score, quotes[i].Km, quotes[i].Region);
            if (text != expected[i])
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"breakdown {i} differs when written concurrently"));
            }

            actual[i] = text;
        });

        Assert.Equal(expected, actual);
    }
}
