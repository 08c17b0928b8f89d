using Telematics.Service.Storage;

namespace Telematics.Service.Ingest;

/// <summary>
/// Several drivers' uploads in one storage transaction (<see cref="IUploadStore.BeginUploadGroupAsync"/>): their events
/// written by one statement and all of them committed at once, so a store's per-transaction and per-statement costs are
/// paid once for many small streamed batches. Each member is an ordinary <see cref="IUploadSession"/>, except that its
/// <see cref="IUploadSession.CommitAsync"/> only enlists it, and nothing of any member is stored until
/// <see cref="CommitAsync"/>; disposing the group uncommitted stores nothing of any of them.
/// </summary>
/// <remarks>Not thread-safe: the members share one connection, one call at a time.</remarks>
public interface IUploadGroup : IAsyncDisposable
{
    /// <summary>Opens a member upload of one driver in the group's transaction; a group holds each driver at most once.</summary>
    /// <param name="driverId">The driver every event and trip of the member belongs to.</param>
    /// <param name="actor">Who uploads, recorded on the member's audit row.</param>
    /// <returns>The member; it holds at most one chunk (<see cref="IUploadSession.AppendAsync"/>).</returns>
    /// <exception cref="ArgumentException">The actor cannot be recorded, or the driver is in the group already.</exception>
    IUploadSession Join(long driverId, AuditActor actor);

    /// <summary>
    /// Stores the chunks held by <paramref name="members"/> in one write, after which each member's
    /// <see cref="IUploadSession.MergeAsync"/> reports its own count without writing again.
    /// </summary>
    /// <param name="members">Members of this group, each with its one chunk appended.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// False when some of the events are stored already (a batch re-sent under a new id): nothing of the write stayed, and the
    /// caller stores the members one by one instead, where duplicates are skipped.
    /// </returns>
    Task<bool> MergeAsync(IReadOnlyList<IUploadSession> members, CancellationToken cancellationToken = default);

    /// <summary>Commits every enlisted member, with their audit rows, at once.</summary>
    /// <param name="cancellationToken">Cancels the commit; nothing is stored then.</param>
    /// <returns>A task that completes when the group is committed.</returns>
    Task CommitAsync(CancellationToken cancellationToken = default);
}
