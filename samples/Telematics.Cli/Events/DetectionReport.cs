using System.Globalization;
using System.Text;
using System.Text.Json;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;
using Telematics.Features.Imu.Motion;

namespace Telematics.Cli.Events;

/// <summary>What <c>events detect</c> found in one recording, written as CSV rows or a JSON document.</summary>
internal sealed class DetectionReport(ImuRecording recording, VehicleMotion motion, IReadOnlyList<Manoeuvre> manoeuvres, IReadOnlyList<PhoneHandling> handling)
{
    private const double G = 9.80665;

    public static string Name(ManoeuvreKind kind) => kind switch
    {
        ManoeuvreKind.HarshBraking => "harsh_braking",
        ManoeuvreKind.HarshAcceleration => "harsh_acceleration",
        ManoeuvreKind.HarshLeftTurn => "harsh_left_turn",
        ManoeuvreKind.HarshRightTurn => "harsh_right_turn",
        ManoeuvreKind.AggressiveLeftLaneChange => "aggressive_left_lane_change",
        _ => "aggressive_right_lane_change",
    };

    /// <summary>One row per event in time order: manoeuvres and phone handling side by side.</summary>
    public void WriteCsv(TextWriter writer)
    {
        writer.WriteLine("event,start,end,peak_time,offset_s,duration_s,peak,peak_unit,peak_g,severity,remounted,moving");
        var m = 0;
        var h = 0;
        while (m < manoeuvres.Count || h < handling.Count)
        {
            if (h >= handling.Count || (m < manoeuvres.Count && manoeuvres[m].StartNs <= handling[h].StartNs))
            {
                var e = manoeuvres[m++];
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Name(e.Kind)},{Time(e.StartNs)},{Time(e.EndNs)},{Time(e.PeakNs)},{Offset(e.StartNs):F1},{e.DurationSeconds:F1},{e.PeakMps2:F2},m/s2,{e.PeakMps2 / G:F3},{e.Severity:F2},,"));
            }
            else
            {
                var p = handling[h++];
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"phone_handling,{Time(p.StartNs)},{Time(p.EndNs)},,{Offset(p.StartNs):F1},{(p.EndNs - p.StartNs) / 1e9:F1},{p.PeakRotationRadS:F2},rad/s,,,{(p.Remounted ? "true" : "false")},{(p.Moving is { } moving ? (moving ? "true" : "false") : string.Empty)}"));
            }
        }
    }

    public void WriteJson(TextWriter writer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("frame", recording.Frame == SensorFrame.Earth ? "earth" : "device");
            json.WriteString("start", Time(motion.StartNs));
            json.WriteNumber("duration_s", Math.Round(motion.Count * motion.BinNs / 1e9, 1));
            json.WriteNumber("scored_share", Math.Round(ScoredShare(), 3));
            json.WriteStartArray("manoeuvres");
            foreach (var e in manoeuvres)
            {
                json.WriteStartObject();
                json.WriteString("event", Name(e.Kind));
                json.WriteString("start", Time(e.StartNs));
                json.WriteString("end", Time(e.EndNs));
                json.WriteString("peak_time", Time(e.PeakNs));
                json.WriteNumber("offset_s", Math.Round(Offset(e.StartNs), 1));
                json.WriteNumber("duration_s", Math.Round(e.DurationSeconds, 1));
                json.WriteNumber("peak_mps2", Math.Round(e.PeakMps2, 2));
                json.WriteNumber("peak_g", Math.Round(e.PeakMps2 / G, 3));
                json.WriteNumber("severity", Math.Round(e.Severity, 2));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("phone_handling");
            foreach (var p in handling)
            {
                json.WriteStartObject();
                json.WriteString("start", Time(p.StartNs));
                json.WriteString("end", Time(p.EndNs));
                json.WriteNumber("offset_s", Math.Round(Offset(p.StartNs), 1));
                json.WriteNumber("duration_s", Math.Round((p.EndNs - p.StartNs) / 1e9, 1));
                json.WriteNumber("peak_rotation_rad_s", Math.Round(p.PeakRotationRadS, 2));
                json.WriteBoolean("remounted", p.Remounted);
                if (p.Moving is { } moving)
                {
                    json.WriteBoolean("moving", moving);
                }
                else
                {
                    json.WriteNull("moving");
                }
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public string Summary()
    {
        var counts = new int[Enum.GetValues<ManoeuvreKind>().Length];
        foreach (var e in manoeuvres)
        {
            counts[(int)e.Kind]++;
        }

        var parts = new StringBuilder();
        foreach (var kind in Enum.GetValues<ManoeuvreKind>())
        {
            if (counts[(int)kind] > 0)
            {
                parts.Append(CultureInfo.InvariantCulture, $"{(parts.Length > 0 ? ", " : string.Empty)}{Name(kind)} {counts[(int)kind]}");
            }
        }

        double handled = 0;
        foreach (var p in handling)
        {
            handled += (p.EndNs - p.StartNs) / 1e9;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{manoeuvres.Count} manoeuvres{(parts.Length > 0 ? $" ({parts})" : string.Empty)}; phone handled {handling.Count} times ({handled:F0} s); {motion.Count * motion.BinNs / 1e9:F0} s recorded, {ScoredShare():P0} scored");
    }

    private double ScoredShare()
    {
        var scored = 0;
        foreach (var flag in motion.Flags)
        {
            if (flag == MotionFlags.Valid)
            {
                scored++;
            }
        }

        return motion.Count == 0 ? 0 : (double)scored / motion.Count;
    }

    private double Offset(long ns) => (ns - motion.StartNs) / 1e9;

    // Epoch clocks print as UTC ISO-8601; a monotonic clock has no date, so its times print as seconds on that clock.
    private string Time(long ns) => recording.IsEpochTime
        ? DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)
        : (ns / 1e9).ToString("F3", CultureInfo.InvariantCulture);
}
