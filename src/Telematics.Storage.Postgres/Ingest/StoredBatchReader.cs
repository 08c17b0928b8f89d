using Npgsql;

namespace Telematics.Storage.Postgres.Ingest;

/// <summary>Finds whether a streamed batch is stored yet (<c>ingest_batches</c>, written in the batch's own upload). Thread-safe.</summary>
public sealed class StoredBatchReader
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the reader.</summary>
    /// <param name="dataSource">The book's database.</param>
    public StoredBatchReader(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>The stored batch <paramref name="batchId"/>, or null while it is not stored (still in the stream, dead-lettered, or unknown).</summary>
    /// <param name="batchId">The batch's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The batch, or null.</returns>
    public async Task<StoredBatch?> FindAsync(Guid batchId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT driver_id, stored_at FROM ingest_batches WHERE batch_id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = batchId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new StoredBatch(batchId, reader.GetInt64(0), new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero))
            : null;
    }
}
