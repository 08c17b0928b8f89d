using Telematics.Features.Imu;
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
    public static Task<(List<TripFeatures> Trips, long Dropped)> RunAsync(
        IAsyncEnumerable<SampleBuffer> events, TimeZoneInfo zone, DriverPipelineOptions? options, CancellationToken cancellationToken = default) =>
        RunWithImuAsync(events, zone, options, null, cancellationToken);

    /// <summary>
    /// Replays like <see cref="RunAsync"/> with the driver's stored phone evidence (<see cref="DriverFeaturePipeline.Imu"/>), so
    /// that trips the phone covered are measured as when they were first closed with it.
    /// </summary>
    /// <param name="events">The stored events, in chunks, in time order.</param>
    /// <param name="zone">The driver's time zone.</param>
    /// <param name="options">The pipeline options the trips were measured with; null for the defaults.</param>
    /// <param name="imu">The phone evidence of the replayed period; null or empty for GPS only.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The closed trips in time order, and the samples cleaning dropped.</returns>
    public static async Task<(List<TripFeatures> Trips, long Dropped)> RunWithImuAsync(
        IAsyncEnumerable<SampleBuffer> events, TimeZoneInfo zone, DriverPipelineOptions? options, ImuTripEvidence? imu, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var pipeline = new DriverFeaturePipeline(zone, options) { Imu = imu };
        var trips = new List<TripFeatures>();
        await foreach (var chunk in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            trips.AddRange(pipeline.Push(chunk));
        }

        trips.AddRange(pipeline.Complete());
        return (trips, pipeline.Cleaning.DroppedCount);
    }
}
