using Telematics.Features.Pipeline;
using Telematics.Features.Samples;

namespace Telematics.Service.Ingest;

/// <summary>Runs stored raw events through a fresh feature pipeline, as their upload did, and returns the trips it closes.</summary>
public static class EventReplay
{
    /// <summary>Pushes every chunk of <paramref name="events"/> (in time order) through a new <see cref="DriverFeaturePipeline"/> and completes it.</summary>
    /// <param name="events">The stored events, in chunks (one reused buffer is fine: each is pushed before the next is asked for).</param>
    /// <param name="zone">The driver's time zone.</param>
    /// <param name="options">The pipeline options the trips were measured with; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The closed trips in time order, and the samples cleaning dropped.</returns>
    public static async Task<(List<TripFeatures> Trips, long Dropped)> RunAsync(
        IAsyncEnumerable<SampleBuffer> events, TimeZoneInfo zone, DriverPipelineOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var pipeline = new DriverFeaturePipeline(zone, options);
        var trips = new List<TripFeatures>();
        await foreach (var chunk in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            trips.AddRange(pipeline.Push(chunk));
        }

        trips.AddRange(pipeline.Complete());
        return (trips, pipeline.Cleaning.DroppedCount);
    }
}
