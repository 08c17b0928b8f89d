using Telematics.Features.Cleaning;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Cleaning;

public sealed class SampleCleanerTests
{
    private static SampleBuffer Build(params (long T, double Lon, float Accuracy)[] rows)
    {
        var buffer = new SampleBuffer();
        foreach (var (t, lon, accuracy) in rows)
        {
            buffer.Add(new TelematicsSample(t, 52.5, lon) { GpsAccuracyM = accuracy, EventId = t });
        }

        return buffer;
    }

    [Fact]
    public void Duplicate_timestamps_keep_the_first_sample()
    {
        var chunk = Build((1000, 13.4000, 5), (1000, 13.4001, 6), (2000, 13.4002, 5));

        var report = new SampleCleaner().Clean(chunk);

        Assert.Equal([1000L, 2000], chunk.TimestampUnixMs.ToArray());
        Assert.Equal(5f, chunk.GpsAccuracyM[0]);
        Assert.Equal(1, report.DuplicateCount);
        Assert.Equal(1, report.DroppedCount);
        Assert.Equal(2, report.KeptCount);
    }

    [Fact]
    public void Out_of_order_samples_are_sorted_with_every_column_moved_together()
    {
        var chunk = Build((3000, 13.4003, 5), (1000, 13.4001, 6), (2000, 13.4002, 7));

        var report = new SampleCleaner().Clean(chunk);

        Assert.Equal([1000L, 2000, 3000], chunk.TimestampUnixMs.ToArray());
        Assert.Equal([1000L, 2000, 3000], chunk.EventId.ToArray());
        Assert.Equal([6f, 7f, 5f], chunk.GpsAccuracyM.ToArray());
        Assert.Equal(2, report.OutOfOrderCount);
        Assert.Equal(0, report.DroppedCount);
    }

    [Fact]
    public void Out_of_order_samples_are_dropped_and_reported_when_asked()
    {
        var chunk = Build((1000, 13.4001, 5), (3000, 13.4003, 5), (2000, 13.4002, 5));

        var report = new SampleCleaner(new SampleCleaningOptions { OutOfOrder = OutOfOrderHandling.Drop }).Clean(chunk);

        Assert.Equal([1000L, 3000], chunk.TimestampUnixMs.ToArray());
        Assert.Equal(1, report.OutOfOrderCount);
        Assert.Equal(1, report.OutOfOrderDroppedCount);
    }

    [Fact]
    public void A_sample_older_than_the_previous_chunk_is_dropped_as_late()
    {
        var cleaner = new SampleCleaner();
        cleaner.Clean(Build((1000, 13.4001, 5), (2000, 13.4002, 5)));
        var second = Build((1500, 13.40015, 5), (2000, 13.4002, 5), (3000, 13.4003, 5));
        var dropped = new List<long>();

        var report = cleaner.Clean(second, dropped);

        Assert.Equal([3000L], second.TimestampUnixMs.ToArray());
        Assert.Equal(1, report.OutOfOrderDroppedCount);
        Assert.Equal(1, report.DuplicateCount);
        Assert.Equal([1500L, 2000], dropped);
        Assert.Equal(5, cleaner.Total.InputCount);
        Assert.Equal(2, cleaner.Total.DroppedCount);
    }

    [Fact]
    public void Fixes_with_poor_accuracy_are_dropped_and_missing_accuracy_is_kept()
    {
        var chunk = Build((1000, 13.4001, 5), (2000, 13.4002, 80), (3000, 13.4003, float.NaN));

        var report = new SampleCleaner().Clean(chunk);

        Assert.Equal([1000L, 3000], chunk.TimestampUnixMs.ToArray());
        Assert.Equal(1, report.LowAccuracyCount);
    }

    [Fact]
    public void A_position_jump_implying_an_impossible_speed_is_dropped_and_the_track_resumes()
    {
        // 0.01° of longitude at 52.5° is about 680 m: reached in one second that is 2,400 km/h.
        var chunk = Build((1000, 13.4000, 5), (2000, 13.4100, 5), (3000, 13.4003, 5), (4000, 13.4006, 5));

        var report = new SampleCleaner().Clean(chunk);

        Assert.Equal([1000L, 3000, 4000], chunk.TimestampUnixMs.ToArray());
        Assert.Equal(1, report.PositionJumpCount);
        Assert.Equal(0.25, report.DroppedShare);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void A_bad_first_fix_is_dropped_and_a_relocated_track_is_kept_however_the_stream_is_chunked(int chunkSize)
    {
        // A first fix ~6,000 km off, three fixes in Berlin, then one minute later fixes 1,800 km east (30,000 m/s away).
        var stream = Build(
            (1000, -100.0, 5), (2000, 13.4000, 5), (3000, 13.4001, 5), (4000, 13.4002, 5),
            (64000, 40.0000, 5), (65000, 40.0001, 5), (66000, 40.0002, 5), (67000, 40.0003, 5));
        var cleaner = new SampleCleaner();
        var kept = new List<long>();
        var dropped = new List<long>();

        for (var start = 0; start < stream.Count; start += chunkSize)
        {
            var chunk = new SampleBuffer(1);
            for (var i = start; i < Math.Min(start + chunkSize, stream.Count); i++)
            {
                chunk.Add(stream[i]);
            }

            cleaner.Clean(chunk, dropped);
            for (var i = 0; i < chunk.Count; i++)
            {
                Assert.Equal(chunk.TimestampUnixMs[i], chunk.EventId[i]);
                Assert.Equal(stream.LongitudeDeg[stream.TimestampUnixMs.IndexOf(chunk.TimestampUnixMs[i])], chunk.LongitudeDeg[i]);
            }

            kept.AddRange(chunk.TimestampUnixMs.ToArray());
        }

        Assert.Equal([2000L, 3000, 4000, 64000, 65000, 66000, 67000], kept);
        Assert.Equal([1000L], dropped);
        Assert.Equal(1, cleaner.Total.PositionJumpCount);
        Assert.Equal(7, cleaner.Total.KeptCount);
    }

    [Fact]
    public void Two_glitches_that_agree_do_not_outvote_the_track()
    {
        var chunk = Build(
            (1000, 13.4000, 5), (2000, 13.4001, 5), (3000, 14.0000, 5), (4000, 14.0001, 5), (5000, 13.4004, 5), (6000, 13.4005, 5));

        var report = new SampleCleaner().Clean(chunk);

        Assert.Equal([1000L, 2000, 5000, 6000], chunk.TimestampUnixMs.ToArray());
        Assert.Equal(2, report.PositionJumpCount);
    }

    [Fact]
    public void Samples_without_a_valid_position_are_dropped()
    {
        var chunk = new SampleBuffer();
        chunk.Add(new TelematicsSample(1000, 52.5, 13.4) { GpsAccuracyM = 5 });
        chunk.Add(new TelematicsSample(2000, double.NaN, 13.4) { GpsAccuracyM = 5 });
        chunk.Add(new TelematicsSample(3000, 52.5, 200.0) { GpsAccuracyM = 5 });
        chunk.Add(new TelematicsSample(4000, 52.5, 13.4001) { GpsAccuracyM = 5 });

        var report = new SampleCleaner().Clean(chunk);

        Assert.Equal([1000L, 4000], chunk.TimestampUnixMs.ToArray());
        Assert.Equal(2, report.InvalidPositionCount);
        Assert.Equal(2, report.DroppedCount);
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_option_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SampleCleaner(new SampleCleaningOptions { MaxGpsAccuracyM = 0 }));

        Assert.Equal(nameof(SampleCleaningOptions.MaxGpsAccuracyM), error.ParamName);
        var count = Assert.Throws<ArgumentOutOfRangeException>(() => new SampleCleaner(new SampleCleaningOptions { NewTrackFixCount = 1 }));
        Assert.Equal(nameof(SampleCleaningOptions.NewTrackFixCount), count.ParamName);
    }
}
