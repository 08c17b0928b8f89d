using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Samples;

namespace Telematics.Features.Tests.Samples;

public sealed class SampleBufferTests
{
    [Fact]
    public void A_new_sample_has_every_optional_field_missing()
    {
        var sample = new TelematicsSample(1_700_000_000_000, -25.43, -49.27);

        Assert.True(float.IsNaN(sample.SpeedMps));
        Assert.True(float.IsNaN(sample.HeadingDeg));
        Assert.True(float.IsNaN(sample.LongitudinalAccelMps2));
        Assert.True(float.IsNaN(sample.LateralAccelMps2));
        Assert.True(float.IsNaN(sample.GpsAccuracyM));
        Assert.True(float.IsNaN(sample.SpeedLimitMps));
        Assert.Equal(RoadClass.Unknown, sample.RoadClass);
        Assert.Equal(SampleFlags.None, sample.Flags);
    }

    [Fact]
    public void AddRange_appends_every_column_after_the_destinations_samples_and_grows_it()
    {
        var source = new SampleBuffer(4);
        for (var i = 0; i < 3; i++)
        {
            source.Add(new TelematicsSample(1_700_000_000_000 + i, 48 + i, 2 - i)
            {
                SpeedMps = i, HeadingDeg = 90 + i, LongitudinalAccelMps2 = -i, LateralAccelMps2 = 0.5f * i, GpsAccuracyM = 4 + i,
                SpeedLimitMps = 13.9f, RoadClass = RoadClass.Trunk, Flags = SampleFlags.PhoneHandheld, EventId = 100 + i,
            });
        }

        var destination = new SampleBuffer(1);
        destination.Add(new TelematicsSample(1, 1, 1));
        destination.Add(new TelematicsSample(2, 2, 2));

        destination.AddRange(source);
        source.TimestampUnixMs[0] = 0;

        Assert.Equal(5, destination.Count);
        Assert.Equal(new TelematicsSample(2, 2, 2), destination[1]);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(source[i] with { TimestampUnixMs = 1_700_000_000_000 + i }, destination[2 + i]);
        }

        Assert.Throws<ArgumentException>(() => source.AddRange(source));
    }

    [Fact]
    public void Columns_grow_past_the_initial_capacity_and_keep_every_sample()
    {
        var buffer = new SampleBuffer(capacity: 2);
        for (var i = 0; i < 5; i++)
        {
            buffer.Add(new TelematicsSample(i * 1000L, i, -i) { SpeedMps = i * 2f, Flags = SampleFlags.PhoneHandheld });
        }

        Assert.Equal(5, buffer.Count);
        Assert.True(buffer.Capacity >= 5);
        Assert.Equal([0L, 1000, 2000, 3000, 4000], buffer.TimestampUnixMs.ToArray());
        Assert.Equal(8f, buffer.SpeedMps[4]);
        Assert.Equal(-3d, buffer.LongitudeDeg[3]);
    }

    [Fact]
    public void Reading_past_the_count_throws()
    {
        var buffer = new SampleBuffer();
        buffer.Add(new TelematicsSample(0, 0, 0));

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer[-1]);
    }

    [Fact]
    public void Truncate_keeps_the_first_samples_and_refuses_to_lengthen()
    {
        var buffer = new SampleBuffer();
        buffer.Add(new TelematicsSample(1, 0, 0));
        buffer.Add(new TelematicsSample(2, 0, 0));

        buffer.Truncate(1);

        Assert.Equal(1, buffer.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Truncate(2));
    }

    [Property]
    public Property A_sample_reads_back_exactly_as_it_was_added(long timestamp, NormalFloat lat, NormalFloat lon, float speed, byte road, byte flags, long eventId)
    {
        var sample = new TelematicsSample(timestamp, lat.Get, lon.Get)
        {
            SpeedMps = speed,
            RoadClass = (RoadClass)(road % 8),
            Flags = (SampleFlags)(flags % 4),
            EventId = eventId,
        };
        var buffer = new SampleBuffer(capacity: 1);
        buffer.Add(new TelematicsSample(0, 0, 0));
        buffer.Add(sample);

        return (buffer[1] == sample).ToProperty();
    }
}
