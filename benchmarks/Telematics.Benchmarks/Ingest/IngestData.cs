using System.Globalization;
using System.Text;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Samples;

namespace Telematics.Benchmarks.Ingest;

/// <summary>
/// One million distinct, realistic rows with 12 numeric columns, generated once from a fixed seed, as CSV (default
/// mapping header), NDJSON and binary-format bytes held in memory.
/// </summary>
internal sealed class IngestData
{
    public const string Header = "timestamp,lat,lon,speed_mps,heading_deg,accel_lon_mps2,accel_lat_mps2,gps_accuracy_m,speed_limit_mps,road_class,phone_handheld,event_id";

    private IngestData(byte[] csv, byte[] ndjson, byte[] binary, int rows)
    {
        Csv = csv;
        Ndjson = ndjson;
        Binary = binary;
        Rows = rows;
    }

    public byte[] Csv { get; }

    public byte[] Ndjson { get; }

    public byte[] Binary { get; }

    public int Rows { get; }

    public static IngestData Generate(int rows)
    {
        var random = new Random(20190826);
        var csv = new StringBuilder(rows * 96).Append(Header).Append('\n');
        var ndjson = new StringBuilder(rows * 240);
        var samples = new SampleBuffer(rows);
        var t = 1_566_857_847_000L;
        double lat = -25.451837, lon = -49.23446;
        for (var i = 0; i < rows; i++)
        {
            t += 1000;
            lat = Math.Round(lat + ((random.NextDouble() - 0.5) * 1e-4), 6);
            lon = Math.Round(lon + ((random.NextDouble() - 0.5) * 1e-4), 6);
            var speed = (float)Math.Round(random.NextDouble() * 33, 2);
            var heading = (float)Math.Round(random.NextDouble() * 360, 1);
            var longitudinal = (float)Math.Round((random.NextDouble() - 0.5) * 8, 3);
            var lateral = (float)Math.Round((random.NextDouble() - 0.5) * 6, 3);
            var accuracy = (float)Math.Round(2 + (random.NextDouble() * 20), 1);
            var limit = (float)Math.Round((30 + (10 * random.Next(0, 9))) / 3.6, 2);
            var road = random.Next(0, 8);
            var handheld = random.Next(0, 10) == 0 ? 1 : 0;
            var eventId = 1_000_000_000L + i;

            csv.Append(CultureInfo.InvariantCulture, $"{t},{lat},{lon},{speed},{heading},{longitudinal},{lateral},{accuracy},{limit},{road},{handheld},{eventId}\n");
            ndjson.Append(CultureInfo.InvariantCulture, $"{{\"timestamp\":{t},\"lat\":{lat},\"lon\":{lon},\"speed_mps\":{speed},\"heading_deg\":{heading},\"accel_lon_mps2\":{longitudinal},\"accel_lat_mps2\":{lateral},\"gps_accuracy_m\":{accuracy},\"speed_limit_mps\":{limit},\"road_class\":{road},\"phone_handheld\":{(handheld == 1 ? "true" : "false")},\"event_id\":{eventId}}}\n");
            samples.Add(new TelematicsSample(t, lat, lon)
            {
                SpeedMps = speed, HeadingDeg = heading, LongitudinalAccelMps2 = longitudinal, LateralAccelMps2 = lateral,
                GpsAccuracyM = accuracy, SpeedLimitMps = limit, RoadClass = (RoadClass)road,
                Flags = handheld == 1 ? SampleFlags.PhoneHandheld : SampleFlags.None, EventId = eventId,
            });
        }

        using var binary = new MemoryStream();
        var writer = BinarySampleWriter.FromStream(binary, leaveOpen: true);
        writer.WriteAsync(samples).AsTask().GetAwaiter().GetResult();
        writer.CompleteAsync().AsTask().GetAwaiter().GetResult();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new IngestData(Encoding.UTF8.GetBytes(csv.ToString()), Encoding.UTF8.GetBytes(ndjson.ToString()), binary.ToArray(), rows);
    }
}
