using System.Text;

using Npgsql;

using Telematics.Service.Events;

namespace Telematics.Storage.Postgres.Outbox;

/// <summary>
/// The relay's side of <c>domain_event_outbox</c> (<see cref="IDomainEventOutbox"/>): a batch is read, handed on and
/// deleted in one transaction that holds a transaction-scoped advisory lock, so one relay works at a time however many
/// hosts run one, and a relay that dies mid-batch leaves its events for the next.
/// </summary>
/// <remarks>Thread-safe; each call takes its own pooled connection.</remarks>
public sealed class PostgresOutbox : IDomainEventOutbox
{
    // A fixed advisory lock key of our own, taken only by relays.
    private const long RelayLockKey = 0x7E1E_3A71_C0B0_0001;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the outbox.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    public PostgresOutbox(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <inheritdoc />
    public async Task<int> RelayAsync(Func<IReadOnlyList<DomainEvent>, CancellationToken, Task> publish, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = RelayLockKey });
            if (await lockCommand.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return 0;
            }
        }

        var events = new List<DomainEvent>(Math.Min(max, 1024));
        await using (var read = new NpgsqlCommand(
            "SELECT event_id, event_type, subject, occurred_at, data::text FROM domain_event_outbox ORDER BY seq LIMIT $1", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new DomainEvent(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    new DateTimeOffset(reader.GetFieldValue<DateTime>(3), TimeSpan.Zero),
                    Encoding.UTF8.GetBytes(reader.GetString(4))));
            }
        }

        if (events.Count == 0)
        {
            return 0;
        }

        await publish(events, cancellationToken).ConfigureAwait(false);

        // Deleted by id, not "seq <= last": a row of a smaller seq that committed after the read (seq is taken at insert,
        // not at commit) is not in this batch and must stay.
        var ids = new string[events.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = events[i].Id;
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM domain_event_outbox WHERE event_id = ANY($1)", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return events.Count;
    }

    /// <inheritdoc />
    public async Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM domain_event_outbox");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
