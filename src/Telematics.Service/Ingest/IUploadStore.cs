using Telematics.Service.Storage;

namespace Telematics.Service.Ingest;

/// <summary>Where streamed uploads are stored: each upload is one all-or-nothing <see cref="IUploadSession"/>.</summary>
public interface IUploadStore
{
    /// <summary>Opens an upload of one driver's events; nothing of it is visible to others until it commits.</summary>
    /// <param name="driverId">The driver every event and trip of the upload belongs to.</param>
    /// <param name="actor">Who uploads, recorded on the audit row.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open upload; dispose it (uncommitted: nothing stored).</returns>
    /// <exception cref="ArgumentException">The actor cannot be recorded.</exception>
    Task<IUploadSession> BeginUploadAsync(long driverId, AuditActor actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a transaction that several drivers' uploads share (<see cref="IUploadGroup"/>), or returns null when the store
    /// has none: callers then store each upload on its own, with the same effect.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open group (dispose it in every case), or null.</returns>
    Task<IUploadGroup?> BeginUploadGroupAsync(CancellationToken cancellationToken = default) => Task.FromResult<IUploadGroup?>(null);
}
