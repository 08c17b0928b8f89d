using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Ingest.Csv;

/// <summary>The mapping in docs/mappings/ndsbr.json against the recorded NDS-BR files, when they are present.</summary>
public sealed class NdsbrMappingTests
{
    private static async Task<(SampleBuffer Samples, IngestReport Report)> ReadAsync(string file)
    {
        var mapping = CsvColumnMapping.Load(SharedData.RepositoryFile("docs/mappings/ndsbr.json"));
        var options = new SampleReaderOptions { BadRecords = BadRecordHandling.SkipAndReport };
        await using var reader = CsvSampleReader.OpenFile(SharedData.Find("ndsbr/" + file)!, mapping, options);
        var samples = new SampleBuffer();
        await reader.ReadToEndAsync(samples);
        return (samples, reader.Report);
    }

    [SharedDataFact("ndsbr/driver_A.csv")]
    public async Task Driver_A_reads_all_3623_rows_with_plausible_values()
    {
        var (samples, report) = await ReadAsync("driver_A.csv");

        Assert.Equal(3623, samples.Count);
        Assert.Equal(0, report.RejectedCount);
        AssertPlausible(samples);

        // First row: 26/8/2019 22:17:27 UTC at (-25.451837, -49.23446), standing still, limit not identified.
        var first = samples[0];
        Assert.Equal(new DateTimeOffset(2019, 8, 26, 22, 17, 27, TimeSpan.Zero).ToUnixTimeMilliseconds(), first.TimestampUnixMs);
        Assert.Equal(-25.451837, first.LatitudeDeg);
        Assert.Equal(-49.23446, first.LongitudeDeg);
        Assert.Equal(0f, first.SpeedMps);
        Assert.True(float.IsNaN(first.SpeedLimitMps));
        Assert.True(float.IsNaN(first.LongitudinalAccelMps2));

        // The README counts 819 rows with phone use (UMP_YN = Yes) in driver A.
        var handheld = 0;
        foreach (var flags in samples.Flags)
        {
            handheld += (flags & SampleFlags.PhoneHandheld) != 0 ? 1 : 0;
        }

        Assert.Equal(819, handheld);
    }

    [SharedDataFact("ndsbr/driver_B.csv")]
    public async Task Driver_B_reads_9775_of_9776_rows_and_reports_the_one_without_latitude()
    {
        var (samples, report) = await ReadAsync("driver_B.csv");

        Assert.Equal(9775, samples.Count);
        Assert.Equal(9775, report.AcceptedCount);
        var error = Assert.Single(report.Errors);
        Assert.Equal(new IngestError(6054, "LAT", "the value is missing", error.Excerpt), error);
        Assert.StartsWith("B;-49,2754;;17/9/2019", error.Excerpt, StringComparison.Ordinal);
        AssertPlausible(samples);
    }

    private static void AssertPlausible(SampleBuffer samples)
    {
        var limits = new HashSet<float>();
        for (var i = 0; i < samples.Count; i++)
        {
            // Curitiba and surroundings.
            Assert.InRange(samples.LatitudeDeg[i], -25.7, -25.3);
            Assert.InRange(samples.LongitudeDeg[i], -49.5, -49.1);
            Assert.InRange(samples.TimestampUnixMs[i], new DateTimeOffset(2019, 8, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), new DateTimeOffset(2019, 10, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
            Assert.InRange(samples.SpeedMps[i], 0f, 40f);
            if (!float.IsNaN(samples.HeadingDeg[i]))
            {
                Assert.InRange(samples.HeadingDeg[i], 0f, 360f);
            }

            if (!float.IsNaN(samples.LongitudinalAccelMps2[i]))
            {
                Assert.InRange(samples.LongitudinalAccelMps2[i], -15f, 15f);
            }

            if (!float.IsNaN(samples.SpeedLimitMps[i]))
            {
                limits.Add(MathF.Round(samples.SpeedLimitMps[i] * 3.6f));
            }
        }

        // Posted limits in the files are 30-110 km/h in steps of 10.
        Assert.All(limits, l => Assert.True(l is >= 30 and <= 110 && l % 10 == 0, $"limit {l} km/h"));
        Assert.Contains(samples.RoadClass.ToArray(), c => c == RoadClass.Residential);
        Assert.Contains(samples.RoadClass.ToArray(), c => c == RoadClass.Primary);
    }
}
