namespace Telematics.Service.Ingest;

/// <summary>
/// Whether a driver was erased, for work that outlives the erasure: a streamed batch a worker held while its driver was
/// erased is dropped, rather than kept with its positions among the dead letters.
/// </summary>
public interface IDriverErasures
{
    /// <summary>Whether the driver's erasure is on record.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the driver was erased; false when no erasure is recorded (the driver may exist, or never have).</returns>
    Task<bool> WasErasedAsync(long driverId, CancellationToken cancellationToken = default);
}
