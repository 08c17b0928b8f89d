using Telematics.Scoring.Pricing;
using Telematics.Service.Storage;

namespace Telematics.Service.Scoring;

/// <summary>
/// What scoring stored drivers needs from storage: the drivers' regions and combined vectors over a period, one atomic
/// write of a scored chunk, and the latest score of a driver for repricing. Implemented by a storage adapter
/// (<c>Telematics.Storage.Postgres</c>); the use cases in <see cref="StoredDriverScorer"/> hold the logic.
/// </summary>
/// <remarks>Implementations are thread-safe: a run writes one chunk while it reads the next.</remarks>
public interface IScoreStore
{
    /// <summary>Reads the region of each known driver of <paramref name="driverIds"/>.</summary>
    /// <param name="driverIds">Drivers, sorted and distinct.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One entry per known driver (region null for the plan's default); unknown drivers have none.</returns>
    Task<IReadOnlyDictionary<long, string?>> ReadRegionsAsync(long[] driverIds, CancellationToken cancellationToken = default);

    /// <summary>Reads the classical cell (region, age band, vehicle class) of each known driver of <paramref name="driverIds"/>.</summary>
    /// <param name="driverIds">Drivers, sorted and distinct.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One entry per known driver; unknown drivers have none. The default implementation knows regions only (<see cref="ReadRegionsAsync"/>).</returns>
    async Task<IReadOnlyDictionary<long, RatingCell>> ReadRatingCellsAsync(long[] driverIds, CancellationToken cancellationToken = default)
    {
        var regions = await ReadRegionsAsync(driverIds, cancellationToken).ConfigureAwait(false);
        return regions.ToDictionary(p => p.Key, p => RatingCell.OfRegion(p.Value));
    }

    /// <summary>Reads each driver's vector over [<paramref name="from"/>, <paramref name="to"/>), combined exactly from its trips' stored states.</summary>
    /// <param name="driverIds">Drivers, sorted and distinct.</param>
    /// <param name="from">Inclusive start (trips that started at or after it).</param>
    /// <param name="to">Exclusive end.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A row per driver with at least one trip in the period.</returns>
    Task<DriverVectorMatrix> ReadDriverVectorsAsync(long[] driverIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads when each driver's stored driving begins: the start of its first stored trip, whatever the period. A driver
    /// whose first trip lies inside a scored period was observed from there, not from the period's start
    /// (<see cref="StoredDriverScorer.ObservedDays"/>).
    /// </summary>
    /// <param name="driverIds">Drivers, sorted and distinct.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>
    /// One entry per driver with stored trips. The default implementation knows none, so every driver is taken as
    /// observed over the whole period, which overstates a new driver's exposure: a store that keeps trips should answer.
    /// </returns>
    Task<IReadOnlyDictionary<long, DateTimeOffset>> ReadFirstTripStartsAsync(long[] driverIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<long, DateTimeOffset>>(new Dictionary<long, DateTimeOffset>());

    /// <summary>
    /// Stores a scored chunk all or nothing: each driver's score, premium and shadow scores, then (after
    /// <see cref="ScoreChunkWrite.CommitAfter"/>) the audit row and the run's progress, and commits.
    /// </summary>
    /// <param name="write">What to store.</param>
    /// <param name="cancellationToken">Rolls the write back.</param>
    /// <returns>The ids given to each stored score and premium, in the order of <see cref="ScoreChunkWrite.Scored"/>.</returns>
    /// <exception cref="InvalidOperationException">The run is finished or already past the chunk; nothing was stored.</exception>
    /// <exception cref="OperationCanceledException">The chunk before this one was not stored, or the write was cancelled; nothing was stored.</exception>
    Task<StoredScoreIds> StoreAsync(ScoreChunkWrite write, CancellationToken cancellationToken = default);

    /// <summary>Reads the driver's latest stored score and its current region.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The latest score and region, or null when the driver has no stored score.</returns>
    Task<(StoredScore Score, string? Region)?> ReadLatestAsync(long driverId, CancellationToken cancellationToken = default);

    /// <summary>Reads the driver's latest stored score and current classical cell (region, age band, vehicle class).</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The latest score and cell, or null when the driver has no stored score. The default implementation knows the region only (<see cref="ReadLatestAsync"/>).</returns>
    async Task<(StoredScore Score, RatingCell Cell)?> ReadLatestWithCellAsync(long driverId, CancellationToken cancellationToken = default) =>
        await ReadLatestAsync(driverId, cancellationToken).ConfigureAwait(false) is (var score, var region) ? (score, RatingCell.OfRegion(region)) : null;

    /// <summary>Stores a premium priced from a stored score, with its audit row (<c>premium.change</c>, the previous premium as the before state).</summary>
    /// <param name="premium">The premium.</param>
    /// <param name="actor">Who asked.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new premium's id.</returns>
    Task<long> AddPremiumAsync(PremiumRecord premium, AuditActor actor, CancellationToken cancellationToken = default);
}
