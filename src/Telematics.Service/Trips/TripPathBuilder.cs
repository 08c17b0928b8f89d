using Telematics.Features.Cleaning;
using Telematics.Features.Derivation;
using Telematics.Features.Extraction;
using Telematics.Features.Pipeline;
using Telematics.Features.Samples;

namespace Telematics.Service.Trips;

/// <summary>A point of a drawn trip.</summary>
/// <param name="LatitudeDeg">Latitude, degrees.</param>
/// <param name="LongitudeDeg">Longitude, degrees.</param>
public readonly record struct TripPathPoint(double LatitudeDeg, double LongitudeDeg);

/// <summary>A harsh event placed on a drawn trip, at the sample where it peaked.</summary>
/// <param name="Kind">Braking, acceleration or cornering.</param>
/// <param name="AtUnixMs">When it peaked, ms since the Unix epoch.</param>
/// <param name="LatitudeDeg">Where, latitude in degrees.</param>
/// <param name="LongitudeDeg">Where, longitude in degrees.</param>
/// <param name="PeakMps2">Its strongest acceleration, m/s² (negative for braking).</param>
public readonly record struct TripPathEvent(HarshEventKind Kind, long AtUnixMs, double LatitudeDeg, double LongitudeDeg, float PeakMps2);

/// <summary>A trip to draw: its path thinned to at most a few hundred points, and its harsh events.</summary>
/// <param name="Points">The path in time order.</param>
/// <param name="Events">The harsh events, by kind and time.</param>
public sealed record TripPath(IReadOnlyList<TripPathPoint> Points, IReadOnlyList<TripPathEvent> Events);

/// <summary>
/// Turns a trip's raw events into what a map shows: they are cleaned and their missing motion derived as the pipeline
/// does before measuring, so the harsh events placed are the ones the trip's features counted (with the same options).
/// For a trip measured with a phone recording only the GPS-derived events are placed; its phone manoeuvres are stored
/// with the trip instead (<c>trip_manoeuvres</c>).
/// </summary>
public static class TripPathBuilder
{
    /// <summary>The most points of a path by default: enough for a drawing, small enough for a page.</summary>
    public const int DefaultMaxPoints = 600;

    /// <summary>Builds the path of one trip.</summary>
    /// <param name="events">The trip's raw events in time order (<c>TripReader.ReadEventsAsync</c>); cleaned and derived in place.</param>
    /// <param name="options">The pipeline options the trip was measured with; defaults when null.</param>
    /// <param name="maxPoints">The most path points, 2 or more (every n-th sample is kept, and the last).</param>
    /// <returns>The path and events; empty when there are no events.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPoints"/> is below 2, or an option is out of range.</exception>
    public static TripPath Build(SampleBuffer events, DriverPipelineOptions? options = null, int maxPoints = DefaultMaxPoints)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        options ??= DriverPipelineOptions.Default;
        options.Validate();
        new SampleCleaner(options.Cleaning).Clean(events);
        new MotionDeriver(options.Derivation).Derive(events);

        var n = events.Count;
        var step = Math.Max(1, (n + maxPoints - 2) / (maxPoints - 1));
        var points = new List<TripPathPoint>(Math.Min(n, maxPoints));
        for (var i = 0; i < n; i++)
        {
            if (i % step == 0 || i == n - 1)
            {
                points.Add(new TripPathPoint(events.LatitudeDeg[i], events.LongitudeDeg[i]));
            }
        }

        var harsh = new List<HarshEvent>();
        HarshEventLocator.Locate(new SampleSpan(events), harsh, options.Extraction);
        var placed = new List<TripPathEvent>(harsh.Count);
        foreach (var e in harsh)
        {
            // Every counted event spans at least one sample, so it has a peak.
            placed.Add(new TripPathEvent(e.Kind, events.TimestampUnixMs[e.PeakIndex], events.LatitudeDeg[e.PeakIndex], events.LongitudeDeg[e.PeakIndex], e.PeakMps2));
        }

        return new TripPath(points, placed);
    }
}
