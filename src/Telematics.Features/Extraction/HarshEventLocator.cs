using Telematics.Features.Samples;

namespace Telematics.Features.Extraction;

/// <summary>The kind of a harsh event.</summary>
public enum HarshEventKind
{
    /// <summary>Longitudinal acceleration at or below <see cref="FeatureExtractionOptions.HarshBrakingMps2"/>.</summary>
    Braking,

    /// <summary>Longitudinal acceleration at or above <see cref="FeatureExtractionOptions.RapidAccelerationMps2"/>.</summary>
    Acceleration,

    /// <summary>Absolute lateral acceleration at or above <see cref="FeatureExtractionOptions.HarshCorneringMps2"/>.</summary>
    Cornering,
}

/// <summary>One harsh event of a trip: when it ran and the sample where it peaked.</summary>
/// <param name="Kind">Braking, acceleration or cornering.</param>
/// <param name="StartUnixMs">Start, ms since the Unix epoch (the interval before its first sample over the threshold).</param>
/// <param name="EndUnixMs">End, ms since the Unix epoch.</param>
/// <param name="PeakIndex">Index in the span of the sample with the strongest acceleration of the kind.</param>
/// <param name="PeakMps2">That acceleration, m/s² (negative for braking).</param>
public readonly record struct HarshEvent(HarshEventKind Kind, long StartUnixMs, long EndUnixMs, int PeakIndex, float PeakMps2);

/// <summary>
/// Finds where a trip's harsh events happened, by the rules <see cref="TripFeatureAccumulator"/> counts them with
/// (thresholds, minimum duration, merge gap, GPS gaps ending an episode): the events listed are the events counted.
/// </summary>
/// <remarks>
/// For drawing a trip, not for a hot path: it allocates the events it adds. It finds the GPS-derived events only: for a
/// trip measured with phone evidence (<see cref="TripFeatureAccumulator.Imu"/>) the counts in the phone's covered spans
/// come from the phone's manoeuvres, which are listed with the evidence (and stored with the trip), not here.
/// </remarks>
public static class HarshEventLocator
{
    /// <summary>Adds the trip's harsh events to <paramref name="events"/>, in time order per kind, braking first.</summary>
    /// <param name="trip">One trip's cleaned and derived samples, in time order (as the pipeline measures them).</param>
    /// <param name="events">Receives the events.</param>
    /// <param name="options">Thresholds; <see cref="FeatureExtractionOptions"/> defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is null.</exception>
    public static void Locate(SampleSpan trip, List<HarshEvent> events, FeatureExtractionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        options ??= new FeatureExtractionOptions();
        options.Validate();
        var gapMs = (long)(options.GpsGapS * 1000.0);
        var minMs = (long)(options.MinEventDurationS * 1000.0);
        var mergeMs = (long)(options.EventMergeGapS * 1000.0);
        var t = trip.TimestampUnixMs;
        var longitudinal = trip.LongitudinalAccelMps2;
        var lateral = trip.LateralAccelMps2;
        Span<EventDetector> detectors = [EventDetector.Create(), EventDetector.Create(), EventDetector.Create()];
        var first = events.Count;
        for (var i = 1; i < trip.Length; i++)
        {
            var inGap = t[i] - t[i - 1] > gapMs;
            var rule = new Rule(t[i - 1], t[i], minMs, mergeMs);
            Step(ref detectors[0], longitudinal[i] <= options.HarshBrakingMps2 && !inGap, rule, trip, HarshEventKind.Braking, events);
            Step(ref detectors[1], longitudinal[i] >= options.RapidAccelerationMps2 && !inGap, rule, trip, HarshEventKind.Acceleration, events);
            Step(ref detectors[2], Math.Abs(lateral[i]) >= options.HarshCorneringMps2 && !inGap, rule, trip, HarshEventKind.Cornering, events);
        }

        for (var k = 0; k < detectors.Length; k++)
        {
            var (count, end) = (detectors[k].Count, detectors[k].EventEnd);
            detectors[k].Finish(minMs, mergeMs);
            Record(ref detectors[k], trip, (HarshEventKind)k, count, end, events);
        }

        events.Sort(first, events.Count - first, Comparer<HarshEvent>.Create(static (a, b) =>
            a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : a.StartUnixMs.CompareTo(b.StartUnixMs)));
    }

    private static void Step(ref EventDetector detector, bool over, Rule rule, SampleSpan trip, HarshEventKind kind, List<HarshEvent> events)
    {
        var (count, end) = (detector.Count, detector.EventEnd);
        detector.Step(over, rule.IntervalStart, rule.IntervalEnd, rule.MinMs, rule.MergeMs);
        Record(ref detector, trip, kind, count, end, events);
    }

    // A new event is added; an episode merged into the previous event of its kind moves that event's end.
    private static void Record(ref EventDetector detector, SampleSpan trip, HarshEventKind kind, long countBefore, long endBefore, List<HarshEvent> events)
    {
        if (detector.Count > countBefore)
        {
            events.Add(Peak(trip, kind, detector.EventStart, detector.EventEnd));
        }
        else if (detector.EventEnd != endBefore && detector.Count > 0)
        {
            for (var i = events.Count - 1; i >= 0; i--)
            {
                if (events[i].Kind == kind)
                {
                    events[i] = Peak(trip, kind, events[i].StartUnixMs, detector.EventEnd);
                    break;
                }
            }
        }
    }

    private static HarshEvent Peak(SampleSpan trip, HarshEventKind kind, long start, long end)
    {
        var t = trip.TimestampUnixMs;
        var values = kind == HarshEventKind.Cornering ? trip.LateralAccelMps2 : trip.LongitudinalAccelMps2;
        var peak = -1;
        var strongest = float.NegativeInfinity;
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i] <= start || t[i] > end)
            {
                continue;
            }

            var strength = kind switch
            {
                HarshEventKind.Braking => -values[i],
                HarshEventKind.Acceleration => values[i],
                _ => Math.Abs(values[i]),
            };
            if (strength > strongest)
            {
                (strongest, peak) = (strength, i);
            }
        }

        return new HarshEvent(kind, start, end, peak, peak >= 0 ? values[peak] : float.NaN);
    }

    private readonly record struct Rule(long IntervalStart, long IntervalEnd, long MinMs, long MergeMs);
}
