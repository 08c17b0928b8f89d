using Telematics.Features.Imu.Motion;

namespace Telematics.Features.Imu.Manoeuvres;

/// <summary>
/// Finds harsh braking, acceleration and turns and aggressive lane changes in a <see cref="VehicleMotion"/>, each with
/// start, end, peak and severity. Only bins that are <see cref="MotionFlags.Valid"/> and nothing else are scored: no
/// manoeuvre spans a gap, a handling span or a bin whose forward direction is unresolved.
/// </summary>
/// <remarks>
/// Accelerations are smoothed over five bins first (0.5 s by default): manoeuvres change below about 1 Hz, while a
/// pothole, a door slam and road vibration (aliased into every frequency by a phone's sensor) are faster. A run enters
/// at a threshold and stays while the acceleration is above 0.8 of it, so one dip of rough road does not restart it;
/// it is an event when it holds the minimum duration at or beyond the threshold, and extends to where the acceleration
/// falls below half the threshold.
/// Lateral half-swings beyond <see cref="ManoeuvreDetectionOptions.LaneChangeMps2"/> are paired into lane changes when
/// the second follows the first with the opposite sign within the gap and the heading comes back; unpaired swings beyond
/// <see cref="ManoeuvreDetectionOptions.TurnMps2"/> that turn the vehicle are harsh turns. Allocation-free once its
/// scratch buffers have grown; not thread-safe.
/// </remarks>
public sealed class ManoeuvreDetector
{
    // Hysteresis: once entered, a run stays while above this fraction of its threshold.
    private const double StayFraction = 0.8;

    // Half-width of the centred mean, bins: 0.5 s at 10 Hz passes 90 % of a 2 s lane change swing's peak.
    private const int SmoothHalfBins = 2;

    private readonly ManoeuvreDetectionOptions _options;
    private float[] _longitudinal = [];
    private float[] _lateral = [];
    private Lobe[] _lobes = new Lobe[64];

    /// <summary>Creates a detector.</summary>
    /// <param name="options">Thresholds; default <see cref="ManoeuvreDetectionOptions"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is not positive.</exception>
    public ManoeuvreDetector(ManoeuvreDetectionOptions? options = null)
    {
        _options = options ?? new ManoeuvreDetectionOptions();
        _options.Validate();
    }

    /// <summary>Appends the manoeuvres of <paramref name="motion"/> to <paramref name="destination"/>, in time order.</summary>
    /// <param name="motion">The vehicle's motion.</param>
    /// <param name="destination">List to append to (not cleared).</param>
    public void Detect(VehicleMotion motion, List<Manoeuvre> destination)
    {
        ArgumentNullException.ThrowIfNull(motion);
        ArgumentNullException.ThrowIfNull(destination);
        var n = motion.Count;
        if (_longitudinal.Length < n)
        {
            _longitudinal = new float[Math.Max(n, _longitudinal.Length * 2)];
            _lateral = new float[_longitudinal.Length];
        }

        var lon = _longitudinal.AsSpan(0, n);
        var lat = _lateral.AsSpan(0, n);
        Smooth(motion.LongitudinalMps2, motion.Flags, lon);
        Smooth(motion.LateralMps2, motion.Flags, lat);
        var first = destination.Count;
        var dt = motion.BinNs / 1e9;
        var minBins = (int)Math.Ceiling((_options.MinDurationSeconds / dt) - 1e-9);
        Runs(motion, lon, -1, _options.BrakingMps2, minBins, ManoeuvreKind.HarshBraking, destination);
        Runs(motion, lon, +1, _options.AccelerationMps2, minBins, ManoeuvreKind.HarshAcceleration, destination);
        Lateral(motion, lat, minBins, destination);
        SortByStart(destination, first);
        Merge(destination, first, (long)(_options.MergeSeconds * 1e9));
    }

    /// <summary>Centred mean over 2·<see cref="SmoothHalfBins"/> + 1 bins; NaN where any of them may not be scored, so no run crosses it.</summary>
    private static void Smooth(ReadOnlySpan<float> source, ReadOnlySpan<MotionFlags> flags, Span<float> destination)
    {
        const int Width = (2 * SmoothHalfBins) + 1;
        var n = source.Length;
        double sum = 0;
        var valid = 0;
        for (var i = 0; i < n + SmoothHalfBins; i++)
        {
            // A running sum over the window ending at i, written to its centre.
            if (i < n)
            {
                sum += flags[i] == MotionFlags.Valid ? source[i] : 0;
                valid += flags[i] == MotionFlags.Valid ? 1 : 0;
            }

            if (i >= Width)
            {
                sum -= flags[i - Width] == MotionFlags.Valid ? source[i - Width] : 0;
                valid -= flags[i - Width] == MotionFlags.Valid ? 1 : 0;
            }

            var centre = i - SmoothHalfBins;
            if (centre >= 0)
            {
                destination[centre] = i < n && valid == Width ? (float)(sum / Width) : float.NaN;
            }
        }
    }

    private static void Runs(VehicleMotion motion, ReadOnlySpan<float> a, int sign, double threshold, int minBins, ManoeuvreKind kind, List<Manoeuvre> destination)
    {
        var n = a.Length;
        var i = 0;
        while (i < n)
        {
            if (!(sign * a[i] >= threshold))
            {
                i++;
                continue;
            }

            var stop = i;
            var beyond = 0;
            while (stop < n && sign * a[stop] >= threshold * StayFraction)
            {
                beyond += sign * a[stop] >= threshold ? 1 : 0;
                stop++;
            }

            if (beyond >= minBins)
            {
                var (from, to, peak) = Extend(a, sign, threshold, i, stop);
                var peakValue = sign * a[peak];
                destination.Add(new Manoeuvre(kind, motion.TimeNs(from), motion.TimeNs(to), motion.TimeNs(peak), peakValue, (float)(peakValue / threshold)));
                stop = to;
            }

            i = stop;
        }
    }

    /// <summary>Widens a run to where the signed acceleration falls below half the threshold; returns the bounds and the peak bin.</summary>
    private static (int From, int To, int Peak) Extend(ReadOnlySpan<float> a, int sign, double threshold, int from, int to)
    {
        var half = threshold / 2;
        while (from > 0 && sign * a[from - 1] >= half)
        {
            from--;
        }

        while (to < a.Length && sign * a[to] >= half)
        {
            to++;
        }

        var peak = from;
        for (var k = from; k < to; k++)
        {
            if (sign * a[k] > sign * a[peak])
            {
                peak = k;
            }
        }

        return (from, to, peak);
    }

    private void Lateral(VehicleMotion motion, ReadOnlySpan<float> lat, int minBins, List<Manoeuvre> destination)
    {
        var dt = motion.BinNs / 1e9;
        var halfBins = (int)Math.Ceiling((_options.LaneChangeHalfSeconds / dt) - 1e-9);
        var count = 0;
        var n = lat.Length;
        var i = 0;
        while (i < n)
        {
            var sign = lat[i] >= _options.LaneChangeMps2 ? 1 : lat[i] <= -_options.LaneChangeMps2 ? -1 : 0;
            if (sign == 0)
            {
                i++;
                continue;
            }

            var stop = i;
            var turnBins = 0;
            var beyond = 0;
            while (stop < n && sign * lat[stop] >= _options.LaneChangeMps2 * StayFraction)
            {
                beyond += sign * lat[stop] >= _options.LaneChangeMps2 ? 1 : 0;
                turnBins += sign * lat[stop] >= _options.TurnMps2 ? 1 : 0;
                stop++;
            }

            if (beyond >= halfBins)
            {
                var (from, to, peak) = Extend(lat, sign, _options.LaneChangeMps2, i, stop);
                if (count == _lobes.Length)
                {
                    Array.Resize(ref _lobes, count * 2);
                }

                _lobes[count++] = new Lobe(from, to, peak, sign, sign * lat[peak], turnBins >= minBins);
                stop = to;
            }

            i = stop;
        }

        var yaw = motion.YawRateRadS;
        var maxGap = (int)Math.Round(_options.LaneChangeMaxGapSeconds / dt);
        var maxHalf = (int)Math.Round(_options.LaneChangeMaxHalfSeconds / dt);
        var maxHeading = _options.LaneChangeMaxHeadingDeg * Math.PI / 180;
        var minTurnHeading = _options.TurnMinHeadingDeg * Math.PI / 180;
        for (var k = 0; k < count; k++)
        {
            var lobe = _lobes[k];
            if (k + 1 < count)
            {
                var next = _lobes[k + 1];
                // The side comes from the lateral acceleration in the estimated frame and must agree with the yaw, which
                // needs no frame (lateral acceleration is speed × yaw rate, speed > 0): the first half turns towards it.
                if (next.Sign == -lobe.Sign && next.From - lobe.To <= maxGap && lobe.To - lobe.From <= maxHalf && next.To - next.From <= maxHalf
                    && lobe.Sign * Heading(yaw, lobe.From, lobe.To, dt) > 0
                    && Math.Abs(Heading(yaw, lobe.From, next.To, dt)) <= maxHeading)
                {
                    var peak = lobe.Peak >= next.Peak ? lobe : next;
                    var kind = lobe.Sign > 0 ? ManoeuvreKind.AggressiveLeftLaneChange : ManoeuvreKind.AggressiveRightLaneChange;
                    var peakValue = Math.Min(lobe.Peak, next.Peak);
                    destination.Add(new Manoeuvre(kind, motion.TimeNs(lobe.From), motion.TimeNs(next.To), motion.TimeNs(peak.PeakBin), Math.Max(lobe.Peak, next.Peak), (float)(peakValue / _options.LaneChangeMps2)));
                    k++;
                    continue;
                }
            }

            if (lobe.Harsh && lobe.Sign * Heading(yaw, lobe.From, lobe.To, dt) >= minTurnHeading)
            {
                var kind = lobe.Sign > 0 ? ManoeuvreKind.HarshLeftTurn : ManoeuvreKind.HarshRightTurn;
                destination.Add(new Manoeuvre(kind, motion.TimeNs(lobe.From), motion.TimeNs(lobe.To), motion.TimeNs(lobe.PeakBin), lobe.Peak, (float)(lobe.Peak / _options.TurnMps2)));
            }
        }
    }

    private static double Heading(ReadOnlySpan<float> yaw, int from, int to, double dt)
    {
        double sum = 0;
        for (var k = from; k < to; k++)
        {
            sum += yaw[k];
        }

        return sum * dt;
    }

    /// <summary>Merges events of one kind that start within <paramref name="gapNs"/> of the previous one's end.</summary>
    private static void Merge(List<Manoeuvre> list, int first, long gapNs)
    {
        var write = first;
        for (var read = first; read < list.Count; read++)
        {
            var current = list[read];
            var merged = false;
            for (var k = write - 1; k >= first && current.StartNs - list[k].EndNs <= gapNs; k--)
            {
                var previous = list[k];
                if (previous.Kind == current.Kind && current.StartNs - previous.EndNs <= gapNs)
                {
                    var stronger = current.PeakMps2 > previous.PeakMps2 ? current : previous;
                    list[k] = previous with
                    {
                        EndNs = Math.Max(previous.EndNs, current.EndNs),
                        PeakNs = stronger.PeakNs,
                        PeakMps2 = stronger.PeakMps2,
                        Severity = Math.Max(previous.Severity, current.Severity),
                    };
                    merged = true;
                    break;
                }
            }

            if (!merged)
            {
                list[write++] = current;
            }
        }

        list.RemoveRange(write, list.Count - write);
    }

    /// <summary>Insertion sort by start: the three lists appended are each sorted and short (List.Sort would allocate a comparison delegate).</summary>
    private static void SortByStart(List<Manoeuvre> list, int first)
    {
        for (var i = first + 1; i < list.Count; i++)
        {
            var item = list[i];
            var k = i - 1;
            while (k >= first && list[k].StartNs > item.StartNs)
            {
                list[k + 1] = list[k];
                k--;
            }

            list[k + 1] = item;
        }
    }

    private readonly record struct Lobe(int From, int To, int PeakBin, int Sign, float Peak, bool Harsh);
}
