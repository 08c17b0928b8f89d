using Npgsql;

using NpgsqlTypes;

using Telematics.Service.Events;

namespace Telematics.Storage.Postgres.Outbox;

/// <summary>Appends domain events to <c>domain_event_outbox</c> inside the caller's transaction, so they commit or roll back with the change.</summary>
internal static class OutboxWriter
{
    private const string Copy = "COPY domain_event_outbox (event_id, event_type, subject, occurred_at, data) FROM STDIN (FORMAT BINARY)";

    /// <summary>Appends one event (a single write: one round trip).</summary>
    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO domain_event_outbox (event_id, event_type, subject, occurred_at, data) VALUES ($1, $2, $3, $4, $5)", connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = domainEvent.Id });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = domainEvent.Type });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = domainEvent.Subject });
        insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = domainEvent.Time.UtcDateTime });
        insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = domainEvent.Data, NpgsqlDbType = NpgsqlDbType.Jsonb });
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends many events by one binary COPY (a scored chunk's).</summary>
    public static async Task AppendAsync(NpgsqlConnection connection, IReadOnlyList<DomainEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(Copy, cancellationToken).ConfigureAwait(false);
        foreach (var domainEvent in events)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(domainEvent.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(domainEvent.Type, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(domainEvent.Subject, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(domainEvent.Time.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(domainEvent.Data, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
