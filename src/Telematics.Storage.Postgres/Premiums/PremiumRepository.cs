using System.Globalization;

using Npgsql;

using NpgsqlTypes;

using Telematics.Service.Events;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Outbox;

namespace Telematics.Storage.Postgres.Premiums;

/// <summary>Stores premium changes (with the previous premium as the audit row's before state) and reads premium history.</summary>
/// <remarks>Thread-safe. Reads use the index on (driver_id, effective_at DESC).</remarks>
public sealed class PremiumRepository
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the repository.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="timeProvider">Clock for audit rows.</param>
    public PremiumRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Whether each write also leaves its domain events in <c>domain_event_outbox</c>, in the same transaction (for a
    /// relay to hand on; see <see cref="TelematicsPostgresOptions.WriteDomainEvents"/>). Default false.
    /// </summary>
    public bool WriteDomainEvents { get; init; }

    /// <summary>Stores a new premium for a driver with an audit row (action <c>premium.change</c>) in one transaction.</summary>
    /// <param name="premium">The premium.</param>
    /// <param name="actor">Who priced it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The new premium id.</returns>
    /// <exception cref="PostgresException">Invalid currency or amount (23514), unknown driver (23503) or breakdown that is not JSON (22P02).</exception>
    public Task<long> AddAsync(PremiumRecord premium, AuditActor actor, CancellationToken cancellationToken = default) =>
        AddAsync(premium, actor, WriteDomainEvents, cancellationToken);

    /// <summary>Stores a new premium as <see cref="AddAsync(PremiumRecord, AuditActor, CancellationToken)"/>, its event written as the caller says.</summary>
    internal async Task<long> AddAsync(PremiumRecord premium, AuditActor actor, bool writeDomainEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(premium);
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        string? before = null;
        await using (var current = new NpgsqlCommand(
            "SELECT jsonb_build_object('premium_id', premium_id, 'final_amount', final_amount, 'currency', currency)::text FROM premiums WHERE driver_id = $1 ORDER BY " + PremiumRows.NewestFirst + " LIMIT 1",
            connection,
            transaction))
        {
            current.Parameters.Add(new NpgsqlParameter<long> { TypedValue = premium.DriverId });
            before = await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        long id;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO premiums (driver_id, score_id, effective_at, currency, base_amount, final_amount, breakdown) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING premium_id",
            connection,
            transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = premium.DriverId });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)premium.ScoreId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = premium.EffectiveAt.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = premium.Currency });
            insert.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = premium.BaseAmount });
            insert.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = premium.FinalAmount });
            insert.Parameters.Add(new NpgsqlParameter { Value = premium.BreakdownJson, NpgsqlDbType = NpgsqlDbType.Json });
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var after = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"premium_id\":{id},\"final_amount\":{premium.FinalAmount},\"currency\":\"{premium.Currency}\"}}");
        await AuditWriter.AppendAsync(
            connection, transaction, _timeProvider.GetUtcNow(), actor, "premium.change",
            string.Create(CultureInfo.InvariantCulture, $"driver/{premium.DriverId}/premium"), before, after, cancellationToken).ConfigureAwait(false);
        if (writeDomainEvents)
        {
            await OutboxWriter.AppendAsync(connection, transaction, DomainEvents.PremiumUpdated(
                premium.DriverId, id, premium.ScoreId, premium.FinalAmount, premium.Currency, premium.EffectiveAt), cancellationToken).ConfigureAwait(false);
        }

        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Reads a driver's premiums, newest first.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="limit">Maximum premiums returned, 1–10 000.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The premiums; the first is the current one.</returns>
    public async Task<IReadOnlyList<PremiumRecord>> HistoryAsync(long driverId, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 10_000);
        await using var command = _dataSource.CreateCommand($"SELECT {PremiumRows.Columns} FROM premiums WHERE driver_id = $1 ORDER BY {PremiumRows.NewestFirst} LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var premiums = new List<PremiumRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            premiums.Add(PremiumRows.Map(reader));
        }

        return premiums;
    }
}
