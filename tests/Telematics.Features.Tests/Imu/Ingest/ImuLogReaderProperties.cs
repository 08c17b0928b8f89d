using System.IO.Pipelines;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Ingest;
using Telematics.Features.Ingest;
using Telematics.Features.Tests.Ingest;

namespace Telematics.Features.Tests.Imu.Ingest;

public sealed class ImuLogReaderProperties
{
    private static readonly ImuFileMapping Merged = new() { Name = "m.csv", Accelerometer = new(), Gyroscope = new() { X = "gx", Y = "gy", Z = "gz" } };

    [Property(Arbitrary = [typeof(IngestProperties.Arbitraries)], MaxTest = 300)]
    public bool The_reader_throws_nothing_but_its_format_error_on_any_bytes(IngestProperties.NoisyBytes noisy)
    {
        var bytes = Encoding.UTF8.GetBytes("time,x,y,z,gx,gy,gz\n").Concat(noisy.Bytes).ToArray();
        foreach (var mode in new[] { BadRecordHandling.Reject, BadRecordHandling.SkipAndReport })
        {
            var reader = new ImuLogReader(ImuMapping.PerSensorFiles(SensorFrame.Device), new ImuReaderOptions { BadRecords = mode });
            try
            {
                reader.ReadFileAsync(PipeReader.Create(new MemoryStream(bytes)), Merged, new ImuRecording()).AsTask().GetAwaiter().GetResult();
            }
            catch (TelematicsFormatException)
            {
            }
        }

        return true;
    }

    [Property(MaxTest = 100)]
    public Property Readings_in_any_order_of_sensors_keep_each_series_in_time_order(PositiveInt count)
    {
        var rows = new StringBuilder("time,x,y,z,gx,gy,gz\n");
        var n = (count.Get % 200) + 1;
        for (var i = 0; i < n; i++)
        {
            rows.Append(i % 3 == 0 ? $"{(i * 20) + 1000},1,2,3,,,\n" : $"{(i * 20) + 1000},,,,4,5,6\n");
        }

        var recording = new ImuRecording();
        var mapping = ImuMapping.PerSensorFiles(SensorFrame.Device);
        mapping.Time.Format = ImuTimeFormat.UnixMs;
        new ImuLogReader(mapping).ReadFileAsync(PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(rows.ToString()))), Merged, recording).AsTask().GetAwaiter().GetResult();
        var ordered = IsSorted(recording.Accelerometer.TimeNs) && IsSorted(recording.Gyroscope.TimeNs);
        return (ordered && recording.Accelerometer.Count + recording.Gyroscope.Count == n).ToProperty();
    }

    private static bool IsSorted(ReadOnlySpan<long> times)
    {
        for (var i = 1; i < times.Length; i++)
        {
            if (times[i] < times[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}
