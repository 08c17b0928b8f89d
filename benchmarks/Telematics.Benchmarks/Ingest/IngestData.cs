using System.Globalization;
using System.Text;
using Telematics.Features.Ingest.Binary;
using Telematics.Features.Samples;

namespace Telematics.Benchmarks.Ingest;

/// <summary>
/// Distinct, realistic rows with 12 numeric columns, generated once from a fixed seed, as CSV (default mapping header),
/// NDJSON and binary-format bytes held in memory. <see cref="Variant"/> changes the seed and the shape of the numbers
/// so that benchmarks can rotate inputs: 0 is the original set; 1 writes more decimals; 2 leaves some optional fields
/// empty (missing); 3 writes a hand-held phone in every other row and whole-number speed limits (8–32 m/s: the readers' plausibility
/// bounds refuse limits above 100 m/s, which the 30–110 of earlier runs reached).
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

    public static IngestData Generate(int rows, int variant = 0)
    {
        var random = new Random(20190826 + variant);
        var coordinateDecimals = variant == 1 ? 7 : 6;
        var valueDecimals = variant == 1 ? 4 : 2;
        var csv = new StringBuilder(rows * 96).Append(Header).Append('\n');
        var ndjson = new StringBuilder(rows * 240);
        var samples = new SampleBuffer(rows);
        var t = 1_566_857_847_000L;
        double lat = -25.451837, lon = -49.23446;
        for (var i = 0; i < rows; i++)
        {
            t += 1000;
            lat = Math.Round(lat + ((random.NextDouble() - 0.5) * 1e-4), coordinateDecimals);
            lon = Math.Round(lon + ((random.NextDouble() - 0.5) * 1e-4), coordinateDecimals);
            var speed = (float)Math.Round(random.NextDouble() * 33, valueDecimals);
            var heading = (float)Math.Round(random.NextDouble() * 360, valueDecimals - 1);
            var longitudinal = (float)Math.Round((random.NextDouble() - 0.5) * 8, valueDecimals + 1);
            var lateral = (float)Math.Round((random.NextDouble() - 0.5) * 6, valueDecimals + 1);
            var accuracy = (float)Math.Round(2 + (random.NextDouble() * 20), valueDecimals - 1);
            var limit = variant == 3 ? 8 + (3 * random.Next(0, 9)) : (float)Math.Round((30 + (10 * random.Next(0, 9))) / 3.6, valueDecimals);
            var road = random.Next(0, 8);
            var handheld = variant == 3 ? i % 2 : random.Next(0, 10) == 0 ? 1 : 0;
            if (variant == 2 && random.Next(0, 3) == 0)
            {
                // A third of the rows lack speed limit and accuracy: empty fields, missing (NaN) values.
                limit = float.NaN;
                accuracy = float.NaN;
            }

            var eventId = 1_000_000_000L + i;

            var accuracyText = float.IsNaN(accuracy) ? string.Empty : accuracy.ToString(CultureInfo.InvariantCulture);
            var limitText = float.IsNaN(limit) ? string.Empty : limit.ToString(CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"{t},{lat},{lon},{speed},{heading},{longitudinal},{lateral},{accuracyText},{limitText},{road},{handheld},{eventId}\n");
            ndjson.Append(CultureInfo.InvariantCulture, $"{{\"timestamp\":{t},\"lat\":{lat},\"lon\":{lon},\"speed_mps\":{speed},\"heading_deg\":{heading},\"accel_lon_mps2\":{longitudinal},\"accel_lat_mps2\":{lateral},\"gps_accuracy_m\":{Json(accuracyText)},\"speed_limit_mps\":{Json(limitText)},\"road_class\":{road},\"phone_handheld\":{(handheld == 1 ? "true" : "false")},\"event_id\":{eventId}}}\n");
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

    private static string Json(string number) => number.Length == 0 ? "null" : number;
}
