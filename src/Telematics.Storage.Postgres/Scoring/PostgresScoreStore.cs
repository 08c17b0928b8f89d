using System.Globalization;

using Npgsql;

using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;
using Telematics.Service.Events;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Outbox;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Trips;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>
/// The PostgreSQL side of scoring stored drivers (<see cref="IScoreStore"/>): regions from <c>drivers</c>, vectors
/// combined from <c>trips.state</c>, and a scored chunk written as <c>risk_scores</c>, <c>premiums</c>,
/// <c>shadow_scores</c> (binary COPY), one <c>audit_log</c> row and the run's progress in one transaction.
/// </summary>
/// <remarks>Thread-safe; each call takes its own pooled connection.</remarks>
public sealed class PostgresScoreStore : IScoreStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TripRepository _trips;
    private readonly StoredScoreReader _scores;
    private readonly PremiumRepository _premiums;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="timeProvider">Clock of the premium repository's audit rows.</param>
    public PostgresScoreStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _trips = new TripRepository(dataSource, timeProvider);
        _scores = new StoredScoreReader(dataSource);
        _premiums = new PremiumRepository(dataSource, timeProvider);
    }

    /// <summary>
    /// Whether a stored chunk and a stored premium also leave their domain events (<c>RiskScoreCalculated</c>,
    /// <c>PremiumUpdated</c>, <c>SafetyAlert</c> for a high score) in <c>domain_event_outbox</c>, in the same transaction.
    /// Default false (see <see cref="TelematicsPostgresOptions.WriteDomainEvents"/>).
    /// </summary>
    public bool WriteDomainEvents { get; init; }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<long, string?>> ReadRegionsAsync(long[] driverIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(driverIds);
        await using var command = _dataSource.CreateCommand("SELECT driver_id, region FROM drivers WHERE driver_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = driverIds });
        var regions = new Dictionary<long, string?>(driverIds.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            regions[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        return regions;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<long, RatingCell>> ReadRatingCellsAsync(long[] driverIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(driverIds);
        await using var command = _dataSource.CreateCommand("SELECT driver_id, region, age_band, vehicle_class FROM drivers WHERE driver_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = driverIds });
        var cells = new Dictionary<long, RatingCell>(driverIds.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            cells[reader.GetInt64(0)] = StoredScoreReader.ReadCell(reader, 1);
        }

        return cells;
    }

    /// <inheritdoc />
    public Task<DriverVectorMatrix> ReadDriverVectorsAsync(long[] driverIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(driverIds);
        // One driver (a recalculation) is a plain query on the (driver_id, started_at) index; many are one COPY.
        return driverIds.Length == 1
            ? _trips.ReadDriverVectorAsync(driverIds[0], from, to, cancellationToken)
            : _trips.ReadDriverVectorsAsync(driverIds, from, to, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<long, DateTimeOffset>> ReadFirstTripStartsAsync(long[] driverIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(driverIds);
        // One look-up on the (driver_id, started_at) unique index per driver, however many trips it has.
        await using var command = _dataSource.CreateCommand(
            "SELECT d.driver_id, (SELECT min(t.started_at) FROM trips t WHERE t.driver_id = d.driver_id) FROM unnest($1::bigint[]) AS d (driver_id)");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = driverIds });
        var starts = new Dictionary<long, DateTimeOffset>(driverIds.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!reader.IsDBNull(1))
            {
                starts[reader.GetInt64(0)] = new DateTimeOffset(reader.GetFieldValue<DateTime>(1));
            }
        }

        return starts;
    }

    /// <inheritdoc />
    public async Task<StoredScoreIds> StoreAsync(ScoreChunkWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        write.Actor.Validate();
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        var ids = await ScoreBatchWriter.WriteAsync(connection, transaction, write.Scored, write.ScoredAt, write.From, write.To, cancellationToken).ConfigureAwait(false);
        await ShadowScoreWriter.WriteAsync(connection, write.Scored, ids.ScoreIds, write.ScoredAt, write.From, write.To, cancellationToken).ConfigureAwait(false);
        if (WriteDomainEvents)
        {
            await OutboxWriter.AppendAsync(connection, ScoreEvents(write, ids), cancellationToken).ConfigureAwait(false);
        }

        // The audit chain and the run's progress take row locks held until commit: only the chunk whose predecessor has
        // committed goes on, so two chunks' rows can be written side by side without waiting on each other.
        if (write.CommitAfter is { } predecessor)
        {
            await AwaitPredecessorAsync(predecessor, write, cancellationToken).ConfigureAwait(false);
        }

        if (write.Audit(ids) is { } audit)
        {
            await AuditWriter.AppendAsync(connection, transaction, write.ScoredAt, write.Actor, audit.Action, audit.Resource, null, audit.After, cancellationToken).ConfigureAwait(false);
        }

        if (write.Run is { } run)
        {
            await ScoringRunRepository.AdvanceAsync(connection, transaction, run, cancellationToken).ConfigureAwait(false);
        }

        // A commit whose answer is lost (the server stopping right after it) is looked up, so a stored chunk is not reported
        // failed: its run would otherwise be resumed into a chunk already stored, and a recalculation answered 503.
        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <inheritdoc />
    public async Task<(StoredScore Score, string? Region)?> ReadLatestAsync(long driverId, CancellationToken cancellationToken = default)
    {
        if (await _scores.LatestAsync(driverId, cancellationToken).ConfigureAwait(false) is not { } latest)
        {
            return null;
        }

        var (_, region) = await _scores.RegionAsync(driverId, cancellationToken).ConfigureAwait(false);
        return (latest, region);
    }

    /// <inheritdoc />
    public async Task<(StoredScore Score, RatingCell Cell)?> ReadLatestWithCellAsync(long driverId, CancellationToken cancellationToken = default)
    {
        if (await _scores.LatestAsync(driverId, cancellationToken).ConfigureAwait(false) is not { } latest)
        {
            return null;
        }

        var (_, cell) = await _scores.RatingCellAsync(driverId, cancellationToken).ConfigureAwait(false);
        return (latest, cell);
    }

    /// <inheritdoc />
    public Task<long> AddPremiumAsync(PremiumRecord premium, AuditActor actor, CancellationToken cancellationToken = default) =>
        _premiums.AddAsync(premium, actor, WriteDomainEvents, cancellationToken);

    // Per scored driver: its score, its premium and, for a high score, the alert.
    private static List<DomainEvent> ScoreEvents(ScoreChunkWrite write, StoredScoreIds ids)
    {
        var events = new List<DomainEvent>(write.Scored.Count * 2);
        for (var i = 0; i < write.Scored.Count; i++)
        {
            var outcome = write.Scored[i];
            var score = outcome.Score!;
            var facts = new ScoreFacts(
                outcome.DriverId, ids.ScoreIds[i], score.Score, score.Category.ToWireName(), score.ModelName, score.ModelVersion, write.From, write.To, write.ScoredAt)
            {
                Interval = score.Interval,
                ObservedDays = outcome.ObservedDays,
            };
            events.Add(DomainEvents.RiskScoreCalculated(facts));
            var quote = outcome.Quote!;
            events.Add(DomainEvents.PremiumUpdated(outcome.DriverId, ids.PremiumIds[i], ids.ScoreIds[i], quote.Premium, quote.Currency, write.ScoredAt));
            if (score.Category == RiskCategory.High)
            {
                events.Add(DomainEvents.HighRiskAlert(facts));
            }
        }

        return events;
    }

    // Returns once the previous chunk committed; throws (so this chunk rolls back) if it did not.
    private static async Task AwaitPredecessorAsync(Task predecessor, ScoreChunkWrite write, CancellationToken cancellationToken = default)
    {
        try
        {
            await predecessor.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var chunk = write.Run is { } run
                ? string.Create(CultureInfo.InvariantCulture, $"The chunk of run '{run.RunId}' ending at driver {run.LastDriverId}")
                : "The chunk";
            throw new OperationCanceledException(chunk + " was not committed: the chunk before it was not stored.", exception);
        }
    }
}
