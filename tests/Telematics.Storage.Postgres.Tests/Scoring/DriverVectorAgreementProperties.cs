using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

using Telematics.Service.Ingest;
using Telematics.Service.Scoring;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Storage.Postgres.Trips;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;
using static Telematics.Storage.Postgres.Tests.Ingest.ContinuationTrips;
using static Telematics.Storage.Postgres.Tests.Scoring.ScoringFixtures;

namespace Telematics.Storage.Postgres.Tests.Scoring;

/// <summary>
/// One driver vector everywhere: the vector the feature pipeline gives over a driver's whole event stream (what training's
/// dataset builder, <c>telematics features</c> and <c>telematics score</c> compute) equals, bit for bit, the vector the
/// stored paths combine from the trips (host recalculation and <c>batch-score</c>: <see cref="StoredDriverScorer"/>, one
/// driver and a batch), however the stream was cut into uploads — trip continuation included.
/// </summary>
public sealed class DriverVectorAgreementProperties(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset FirstDay = new(2026, 5, 4, 0, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Property(Arbitrary = [typeof(Drivers)], MaxTest = 25)]
    public Property A_drivers_stored_vector_equals_the_pipelines_whatever_the_uploads(DriverEvents driver) =>
        CheckAsync(driver).GetAwaiter().GetResult().ToProperty();

    private async Task<bool> CheckAsync(DriverEvents events)
    {
        var expected = await PipelineVectors.OfCsvAsync(Header, events.Lines);
        var id = (await new DriverRepository(database.DataSource, TimeProvider.System).CreateAsync(
            "agree-" + Guid.NewGuid().ToString("N"), "Driver", Actor)).DriverId;
        var ingestor = new EventStreamIngestor(NewIngestor(database));
        var at = 0;
        foreach (var cut in events.Cuts.Append(events.Lines.Length))
        {
            if (cut > at)
            {
                await PostAsync(ingestor, id, events.Lines[at..cut]);
                at = cut;
            }
        }

        var scorer = NewScorer(database);
        var single = await scorer.ScoreDriverAsync(id, FirstDay, FirstDay.AddDays(30), Actor);
        var batch = (await scorer.ScoreDriversAsync(new[] { id, long.MaxValue }, FirstDay, FirstDay.AddDays(30), Actor)).Outcomes[0];
        var read = await new TripRepository(database.DataSource, TimeProvider.System).ReadDriverVectorsAsync(new[] { id }, FirstDay, FirstDay.AddDays(30));
        var agree = single.Status == DriverScoreStatus.Scored && batch.Status == DriverScoreStatus.Scored
            && SameBits(expected, single.Features) && SameBits(expected, batch.Features) && SameBits(expected, read.GetFeatures(0));
        Assert.True(agree, $"cuts {string.Join(',', events.Cuts)} of {events.Lines.Length} lines: pipeline [{string.Join(' ', expected)}], stored [{string.Join(' ', single.Features ?? [])}] ({single.Status}: {single.Reason})");
        return agree;
    }

    private static bool SameBits(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A driver's event lines (1–4 varied trips on days and at hours of the month) and where the uploads cut them.</summary>
    public sealed record DriverEvents(string[] Lines, int[] Cuts)
    {
        public override string ToString() => $"{Lines.Length} lines cut at [{string.Join(',', Cuts)}]";
    }

    public static class Drivers
    {
        public static Arbitrary<DriverEvents> DriverEvents() =>
            (from trips in Gen.Choose(1, 4)
             from slots in Gen.ListOf(Gen.Choose(0, 20 * 24 - 1), trips)
             from scales in Gen.ListOf(Gen.Choose(6, 14), trips)
             from cutCount in Gen.Choose(0, 6)
             from cuts in Gen.ListOf(Gen.Choose(1, (trips * SampleCount) - 1), cutCount)
             select Build(slots.ToArray(), scales.ToArray(), cuts.ToArray()))
            .ToArbitrary();

        // Trips start at distinct hours of a 20-day window, in time order; cuts fall anywhere, mid-trip included.
        private static DriverEvents Build(int[] slots, int[] scales, int[] cuts)
        {
            var hours = slots.Distinct().Order().ToArray();
            var lines = new List<string>();
            for (var t = 0; t < hours.Length; t++)
            {
                lines.AddRange(Lines(FirstDay.AddHours(hours[t]), 1 + (t * SampleCount), scales[t] / 10.0));
            }

            return new DriverEvents([.. lines], cuts.Where(c => c < lines.Count).Distinct().Order().ToArray());
        }
    }
}
