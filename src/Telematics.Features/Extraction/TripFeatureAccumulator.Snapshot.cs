using Telematics.Features.Schema;
using Telematics.Features.Statistics;
using Telematics.Features.Time;

namespace Telematics.Features.Extraction;

// Reading the trip so far: the totals with the pending time-of-day slot, the current road-class run and the open
// harsh-event episodes folded in, without changing the accumulator.
public sealed partial class TripFeatureAccumulator
{
    /// <summary>Writes the trip's features so far; does not change the accumulator, so more chunks may follow.</summary>
    /// <param name="destination">Receives the features in <see cref="TelematicsFeatures.Schema"/> order; at least 29 long.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void WriteFeatures(Span<float> destination) => Snapshot().WriteFeatures(destination);

    /// <summary>The totals so far with the pending runs and open events included, in a reused instance.</summary>
    internal FeatureTotals Snapshot()
    {
        var view = _view;
        view.CopyFrom(_totals);
        FlushSlot(view, _slotFlags, _slotDistanceM);
        view.RoadClassM[_runClass] += _runDistanceM;
        view.HarshBrakingCount = _braking.CountWithOpenEpisode(_minEventMs, _mergeMs) + _imuBraking;
        view.RapidAccelerationCount = _accelerating.CountWithOpenEpisode(_minEventMs, _mergeMs) + _imuAccelerating;
        view.HarshCorneringCount = _cornering.CountWithOpenEpisode(_minEventMs, _mergeMs) + _imuCornering;
        return view;
    }

    private static void FlushSlot(FeatureTotals totals, TimeOfDayFlags flags, double distanceM)
    {
        if ((flags & TimeOfDayFlags.Night) != 0)
        {
            totals.NightM += distanceM;
        }

        if ((flags & TimeOfDayFlags.LateNight) != 0)
        {
            totals.LateNightM += distanceM;
        }

        if ((flags & TimeOfDayFlags.RushHour) != 0)
        {
            totals.RushHourM += distanceM;
        }

        if ((flags & TimeOfDayFlags.Weekend) != 0)
        {
            totals.WeekendM += distanceM;
        }
    }
}
