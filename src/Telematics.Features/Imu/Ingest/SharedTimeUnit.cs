using System.Globalization;
using Telematics.Features.Ingest;

namespace Telematics.Features.Imu.Ingest;

/// <summary>
/// Gives every series read from one time column the same unit, told from its fastest motion sensor: a 1 Hz GPS series
/// alone fits ms as well as s, and per series the last one read decided differently from the sensors sharing its clock.
/// </summary>
internal static class SharedTimeUnit
{
    private static readonly string[] UnitNames = ["ns", "µs", "ms", "s"];

    /// <summary>Rescales the recording's numeric times still of unknown unit to nanoseconds; refuses a series the column's unit cannot fit.</summary>
    public static void Resolve(ImuRecording recording)
    {
        var spans = recording.Unfinished;
        var done = new bool[spans.Count];
        for (var i = 0; i < spans.Count; i++)
        {
            if (done[i] || spans[i].Scale == 0)
            {
                continue;
            }

            // The reference: the motion sensor series of this column with the shortest spacing (in raw numbers), else its GPS.
            var reference = -1;
            var best = (Kind: int.MaxValue, NoStep: 0, Step: 0.0);
            for (var j = i; j < spans.Count; j++)
            {
                if (SameColumn(spans[i], spans[j]))
                {
                    var step = ImuTimeUnits.MedianStep(Times(recording, spans[j])) / (double)spans[j].Scale;
                    var rank = (Kind: IsGps(spans[j]) ? 1 : 0, NoStep: step > 0 ? 0 : 1, Step: step);
                    if (reference < 0 || rank.CompareTo(best) < 0)
                    {
                        reference = j;
                        best = rank;
                    }
                }
            }

            var anchor = spans[reference];
            var unit = IsGps(anchor)
                ? ImuTimeUnits.Pick(Times(recording, anchor), anchor.Scale, ImuTimeUnits.GpsMinS, ImuTimeUnits.GpsMaxS)
                : ImuTimeUnits.Pick(Times(recording, anchor), anchor.Scale, ImuTimeUnits.SensorMinS, ImuTimeUnits.SensorMaxS);
            for (var j = i; j < spans.Count; j++)
            {
                if (SameColumn(spans[i], spans[j]))
                {
                    var times = Times(recording, spans[j]);
                    ImuTimeUnits.Apply(times, spans[j].Scale, unit);
                    Check(spans[j], times, anchor, unit);
                    spans[j] = spans[j] with { Scale = 0 };
                    done[j] = true;
                }
            }
        }
    }

    /// <summary>Refuses a series whose spacing in the column's unit is one no logger writes at: its times are in another unit.</summary>
    private static void Check(ImuReadSpan span, ReadOnlySpan<long> times, ImuReadSpan anchor, long unit)
    {
        var median = ImuTimeUnits.MedianStep(times);
        if (median == 0)
        {
            return;
        }

        var seconds = median / 1e9;
        var (min, max) = IsGps(span) ? (ImuTimeUnits.GpsCheckMinS, ImuTimeUnits.GpsCheckMaxS) : (ImuTimeUnits.SensorMinS, ImuTimeUnits.SensorMaxS);
        if (seconds >= min && seconds <= max)
        {
            return;
        }

        var what = IsGps(span) ? "GPS fixes" : $"{(ImuSensor)span.Series} readings";
        var unitName = UnitNames[(int)Math.Round(Math.Log10(unit) / 3)];
        throw new TelematicsFormatException(0, $"{span.File}:{span.TimeColumn}", string.Create(CultureInfo.InvariantCulture,
            $"{span.File}: its {what} would be {seconds:G3} s apart in {unitName}, the unit the spacing of {(anchor.Series == ImuReadSpan.Gps ? "the GPS fixes" : $"the {(ImuSensor)anchor.Series} readings")} of '{anchor.File}' gives the time column '{span.TimeColumn}' ({min:G3}–{max:G3} s expected); the series of one time column must share its unit (set time.format)"), string.Empty);
    }

    private static bool SameColumn(ImuReadSpan a, ImuReadSpan b) => b.Scale != 0 && string.Equals(a.TimeColumn, b.TimeColumn, StringComparison.OrdinalIgnoreCase);

    private static bool IsGps(ImuReadSpan span) => span.Series == ImuReadSpan.Gps;

    private static Span<long> Times(ImuRecording recording, ImuReadSpan span) =>
        (IsGps(span) ? recording.Gps.TimeNsMutable : recording[(ImuSensor)span.Series].TimeNsMutable).Slice(span.Start, span.Count);
}
