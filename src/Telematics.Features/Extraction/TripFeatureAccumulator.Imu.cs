using System.Runtime.CompilerServices;
using Telematics.Features.Imu;
using Telematics.Features.Imu.Manoeuvres;

namespace Telematics.Features.Extraction;

// Phone motion sensors as the source of the harsh-event counts where they cover the trip, and of handling time beside the
// phone flags. Cursors walk the evidence's sorted columns forward with the samples; nothing here allocates.
public sealed partial class TripFeatureAccumulator
{
    private ImuTripEvidence? _imu;
    private bool _imuPositioned;
    private int _coverCursor;
    private int _handlingCursor;
    private int _manoeuvreCursor;
    private long _nextHandlingStartMs = long.MaxValue;
    private long _imuBraking;
    private long _imuAccelerating;
    private long _imuCornering;

    /// <summary>
    /// Phone motion-sensor evidence for the trips this accumulator measures, or <see langword="null"/> (the default) for
    /// GPS-only data, which then gives exactly the features it gave before IMU evidence existed.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A sample interval that overlaps a covered span of the evidence, or comes within
    /// <see cref="FeatureExtractionOptions.EventMergeGapS"/> of one, is not scored by the GPS-derived thresholds; instead
    /// every manoeuvre whose start falls within the trip counts once: harsh braking as harsh braking, harsh acceleration as
    /// rapid acceleration, harsh left/right turns as harsh cornering — each when its peak reaches this accumulator's
    /// threshold of that rate (<see cref="FeatureExtractionOptions.HarshBrakingMps2"/> and the others, above the
    /// detector's defaults; the peak is of the detector's half-second mean, so a counted manoeuvre averaged the rate's
    /// threshold over half a second, close to the GPS rule of holding it for <see cref="FeatureExtractionOptions.MinEventDurationS"/>
    /// but not the same). Aggressive lane changes count as harsh cornering only when their peak lateral acceleration
    /// reaches <see cref="FeatureExtractionOptions.HarshCorneringMps2"/>: the rate's meaning (lateral ≥ 0.4 g) stays the
    /// same whichever sensor measured it, while the detector flags lane changes from 2.5 m/s².
    /// </para>
    /// <para>
    /// Handling spans add to the phone-handling time of the intervals they overlap, unless the interval's sample already
    /// carries a phone flag (the union, never counted twice). Set it before a trip's first <see cref="Add"/>; it stays for
    /// the following trips.
    /// </para>
    /// </remarks>
    public ImuTripEvidence? Imu
    {
        get => _imu;
        set
        {
            _imu = value;
            _imuPositioned = false;
            _nextHandlingStartMs = long.MaxValue;
            if (_hasPrevious)
            {
                PositionImu(_prevT);
            }
        }
    }

    private void ResetImu()
    {
        _imuPositioned = false;
        _nextHandlingStartMs = long.MaxValue;
        _imuBraking = _imuAccelerating = _imuCornering = 0;
    }

    /// <summary>Places the cursors at the trip's first sample: manoeuvres from its time on, spans that end after it.</summary>
    private void PositionImu(long firstUnixMs)
    {
        var imu = _imu;
        if (imu is null)
        {
            return;
        }

        _imuPositioned = true;
        _coverCursor = imu.FirstCoverageEndingAfter(firstUnixMs);
        _handlingCursor = imu.FirstHandlingEndingAfter(firstUnixMs);
        _manoeuvreCursor = imu.FirstManoeuvreStartingFrom(firstUnixMs);
        _nextHandlingStartMs = _handlingCursor < imu.HandlingCount ? imu.HandlingStartUnixMs[_handlingCursor] : long.MaxValue;
    }

    // Whether the phone's motion sensors watched the interval (from, to]: then handling time was measured there even where
    // the samples' source records no phone use.
    private bool PhoneSensorsCover(long from, long to) => _imu is { CoverageCount: > 0 } && ImuCovers(from, to);

    /// <summary>
    /// Whether the interval (<paramref name="from"/>, <paramref name="to"/>] overlaps a covered span widened by the event
    /// merge gap on both sides: by the merge rule an event that close to one the phone measured is the same event, and a
    /// short hole in the phone's data (a gap, a second of handling) inside a manoeuvre must not let GPS count it again.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ImuCovers(long from, long to)
    {
        var imu = _imu!;
        var starts = imu.CoverageStartUnixMs;
        var ends = imu.CoverageEndUnixMs;
        var margin = _mergeMs;
        var k = _coverCursor;
        while (k < ends.Length && ends[k] + margin <= from)
        {
            k++;
        }

        _coverCursor = k;
        return k < starts.Length && starts[k] - margin < to;
    }

    /// <summary>Milliseconds of the interval (<paramref name="from"/>, <paramref name="to"/>] inside handling spans.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private long HandlingOverlapMs(long from, long to)
    {
        var imu = _imu!;
        var starts = imu.HandlingStartUnixMs;
        var ends = imu.HandlingEndUnixMs;
        var k = _handlingCursor;
        while (k < ends.Length && ends[k] <= from)
        {
            k++;
        }

        _handlingCursor = k;
        long inside = 0;
        for (var j = k; j < starts.Length && starts[j] < to; j++)
        {
            inside += Math.Min(ends[j], to) - Math.Max(starts[j], from);
        }

        _nextHandlingStartMs = k < starts.Length ? starts[k] : long.MaxValue;
        return inside;
    }

    /// <summary>Counts the manoeuvres that start up to <paramref name="lastUnixMs"/> (the latest sample added).</summary>
    private void CountImuManoeuvres(long lastUnixMs)
    {
        var imu = _imu!;
        var starts = imu.ManoeuvreStartUnixMs;
        var kinds = imu.ManoeuvreKinds;
        var peaks = imu.ManoeuvrePeakMps2;
        var k = _manoeuvreCursor;
        for (; k < starts.Length && starts[k] <= lastUnixMs; k++)
        {
            var peak = peaks[k];
            switch (kinds[k])
            {
                case ManoeuvreKind.HarshBraking:
                    _imuBraking += peak >= -_brakeMps2 ? 1 : 0;
                    break;
                case ManoeuvreKind.HarshAcceleration:
                    _imuAccelerating += peak >= _accelerateMps2 ? 1 : 0;
                    break;
                default:
                    _imuCornering += peak >= _cornerMps2 ? 1 : 0;
                    break;
            }
        }

        _manoeuvreCursor = k;
    }
}
