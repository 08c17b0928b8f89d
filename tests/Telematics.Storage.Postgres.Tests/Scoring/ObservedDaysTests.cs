using System.Text.Json;

using Telematics.Service.Scoring;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>
/// A stored driver is credited the days it was observed (migration 0026): from its first stored trip when that lies
/// inside the period, not the whole period asked for, for credibility, the annual distance and a later reprice.
/// </summary>
public sealed class ObservedDaysTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private readonly ShippedModelFolder _model = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _model.Dispose();

    private StoredDriverScorer Scorer() => NewScorer(database, planJson: RelativityPlanJson, shippedModelDirectory: _model.Root);

    [Fact]
    public async Task A_driver_whose_driving_began_two_days_before_the_end_is_credited_two_days_not_the_period()
    {
        var driver = await NewDriverAsync(database, "observed-new");
        await AddTripAsync(driver, PeriodEnd.AddDays(-2), km: 30);
        await AddTripAsync(driver, PeriodEnd.AddDays(-1), km: 30);

        var outcome = await Scorer().ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(DriverScoreStatus.Scored, outcome.Status);
        Assert.Equal(2, outcome.ObservedDays, 9);
        Assert.Equal(60 * 365 / 2.0, outcome.AnnualKm, 3);
        Assert.StartsWith("2 observed days", CredibilityDetail(outcome.Quote!.Steps), StringComparison.Ordinal);
        Assert.Equal(2f, await ObservedDaysStoredAsync(outcome.ScoreId));
    }

    [Fact]
    public async Task A_driver_who_drove_before_the_period_is_credited_the_whole_period_though_its_first_trip_in_it_is_late()
    {
        var driver = await NewDriverAsync(database, "observed-old");
        await AddTripAsync(driver, PeriodStart.AddDays(-40), km: 30);
        await AddTripAsync(driver, PeriodEnd.AddDays(-2), km: 30);

        var outcome = await Scorer().ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        Assert.Equal(30, outcome.ObservedDays, 9);
        Assert.Equal(30 * 365 / 30.0, outcome.AnnualKm, 3);
        Assert.StartsWith("30 observed days", CredibilityDetail(outcome.Quote!.Steps), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reprice_of_the_stored_score_credits_the_same_days_and_prices_the_same_premium()
    {
        var driver = await NewDriverAsync(database, "observed-reprice");
        await AddTripAsync(driver, PeriodEnd.AddDays(-3), km: 25);
        var scorer = Scorer();
        var outcome = await scorer.ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);

        var repriced = await scorer.RepriceLatestAsync(driver, Actor);

        Assert.NotNull(repriced);
        Assert.Equal(outcome.Quote!.Premium, repriced.FinalAmount);
        using var breakdown = JsonDocument.Parse(repriced.BreakdownJson);
        Assert.Equal(25 * 365 / 3.0, breakdown.RootElement.GetProperty("annual_km").GetDouble(), 0.05);
        Assert.Contains(breakdown.RootElement.GetProperty("steps").EnumerateArray(), s =>
            s.GetProperty("name").GetString() == "credibility" && s.GetProperty("detail").GetString()!.StartsWith("3 observed days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reprice_over_a_fraction_of_a_day_gives_the_stored_breakdown_to_the_last_digit()
    {
        // A period ending now, not at midnight: 2.95 observed days, a double the table's real does not hold. The quote
        // priced at scoring must be the one a reprice of the stored score gives, or the audit shows a change of nothing.
        var driver = await NewDriverAsync(database, "observed-fraction");
        await AddTripAsync(driver, PeriodEnd.AddDays(-3), km: 25);
        var scorer = Scorer();
        var outcome = await scorer.ScoreDriverAsync(driver, PeriodStart, PeriodEnd.AddSeconds(-4321.123), Actor);

        var repriced = await scorer.RepriceLatestAsync(driver, Actor);
        var premiums = await new StoredScoreReader(database.DataSource).PremiumsAsync(driver, 1, 2);
        var stored = (await new StoredScoreReader(database.DataSource).LatestAsync(driver))!.Record;

        // The days and the annual distance the quote priced are the stored ones, to the last bit, not a double beside them.
        Assert.Equal(stored.ObservedOrPeriodDays, outcome.ObservedDays);
        Assert.Equal(Telematics.Scoring.Pricing.PremiumCalculator.AnnualiseKm(stored.Features[Telematics.Features.Schema.TelematicsFeatures.Schema.IndexOf(Telematics.Features.Schema.TelematicsFeatures.DistanceKm)], stored.ObservedOrPeriodDays), outcome.AnnualKm);
        Assert.Equal(2, premiums.Count);
        Assert.Equal(premiums[1].BreakdownJson, repriced!.BreakdownJson);
        Assert.Equal(premiums[1].FinalAmount, repriced.FinalAmount);
    }

    [Fact]
    public async Task A_score_stored_before_observed_days_were_kept_counts_its_whole_period()
    {
        var driver = await NewDriverAsync(database, "observed-legacy");
        await AddTripAsync(driver, PeriodEnd.AddDays(-3), km: 25);
        var outcome = await Scorer().ScoreDriverAsync(driver, PeriodStart, PeriodEnd, Actor);
        await ExecuteAsync(database.DataSource, $"UPDATE risk_scores SET observed_days = NULL WHERE score_id = {outcome.ScoreId}");

        var stored = (await new StoredScoreReader(database.DataSource).LatestAsync(driver))!;

        Assert.Null(stored.Record.ObservedDays);
        Assert.Equal(30, stored.Record.ObservedOrPeriodDays, 9);
    }

    [Fact]
    public async Task The_store_reads_each_drivers_first_trip_whatever_the_period_and_nothing_for_a_driver_without_trips()
    {
        var early = await NewDriverAsync(database, "observed-first-a");
        var none = await NewDriverAsync(database, "observed-first-b");
        await AddTripAsync(early, PeriodStart.AddDays(5), km: 10);
        await AddTripAsync(early, PeriodStart.AddDays(-9), km: 10);

        var starts = await new PostgresScoreStore(database.DataSource, TimeProvider.System).ReadFirstTripStartsAsync([early, none]);

        // The earlier trip, stored second (MeasuredTrips set off in the evening of the day given).
        Assert.Equal(PeriodStart.AddDays(-9).UtcDateTime.Date, Assert.Single(starts, p => p.Key == early).Value.UtcDateTime.Date);
        Assert.False(starts.ContainsKey(none));
    }

    [Theory]
    [InlineData(null, 30)]
    [InlineData(-5.0, 30)]
    [InlineData(0.0, 30)]
    [InlineData(12.5, 18)]
    [InlineData(12.0, 18)]
    [InlineData(29.99, 1)]
    public void Observed_days_run_from_the_later_of_the_period_start_and_the_first_trips_day_and_are_at_least_one(double? firstTripDay, double expected)
    {
        DateTimeOffset? first = firstTripDay is { } day ? PeriodStart.AddDays(day) : null;

        Assert.Equal(expected, StoredDriverScorer.ObservedDays(PeriodStart, PeriodEnd, first), 9);
    }

    private Task AddTripAsync(long driver, DateTimeOffset start, double km) =>
        new TripRepository(database.DataSource, TimeProvider.System).WriteClosedTripAsync(driver, MeasuredTrips.Create(start, km, 0.5, 0.02, 0.5), Actor);

    private async Task<float?> ObservedDaysStoredAsync(long scoreId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT observed_days FROM risk_scores WHERE score_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = scoreId });
        return await command.ExecuteScalarAsync() is float days ? days : null;
    }

    private static string CredibilityDetail(IReadOnlyList<Telematics.Scoring.Pricing.PremiumStep> steps)
    {
        foreach (var step in steps)
        {
            if (step.Name == "credibility")
            {
                return step.Detail;
            }
        }

        throw new Xunit.Sdk.XunitException("The quote has no credibility step.");
    }
}
