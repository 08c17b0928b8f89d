using Npgsql;

using NpgsqlTypes;

using Telematics.Scoring.Experiments;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;

namespace Telematics.Storage.Postgres.Experiments;

/// <summary>
/// Keeps experiment definitions in the <c>experiments</c> table so that a change made at run time survives a restart;
/// every write appends an <c>experiment.put</c> audit row (before/after definitions) in the same transaction.
/// </summary>
/// <remarks>Thread-safe. Names are the table's primary key; every value is a parameter.</remarks>
public sealed class ExperimentStore
{
    private const string Columns = "name, definition::text, updated_at, updated_by";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="timeProvider">Clock for <c>updated_at</c> and the audit row.</param>
    public ExperimentStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
    }

    /// <summary>Reads every stored experiment, by name.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The stored experiments; their definitions are not parsed here.</returns>
    public async Task<IReadOnlyList<StoredExperiment>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM experiments ORDER BY name");
        var list = new List<StoredExperiment>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <summary>Reads one stored experiment.</summary>
    /// <param name="name">The experiment name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The experiment, or <see langword="null"/> when none is stored under that name.</returns>
    public async Task<StoredExperiment?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM experiments WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>
    /// Creates or replaces the experiment of <paramref name="experiment"/>'s name, with an <c>experiment.put</c> audit row
    /// (resource <c>experiment/{name}</c>, before = the replaced definition or null, after = the new one) in one transaction.
    /// </summary>
    /// <param name="experiment">A validated experiment.</param>
    /// <param name="actor">Who changes it.</param>
    /// <param name="cancellationToken">Cancels the write; nothing is stored then.</param>
    /// <returns>The stored row and the definition it replaced (null when the name was new).</returns>
    public async Task<(StoredExperiment Stored, string? PreviousJson)> SaveAsync(ExperimentDefinition experiment, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var json = ExperimentJson.Write(experiment);
        var now = _timeProvider.GetUtcNow();
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);

        // The row lock serialises concurrent writers of one name, so each audit row's "before" is the true predecessor.
        string? previous;
        await using (var select = new NpgsqlCommand("SELECT definition::text FROM experiments WHERE name = $1 FOR UPDATE", connection, transaction))
        {
            select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = experiment.Name });
            previous = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        string storedJson;
        await using (var upsert = new NpgsqlCommand(
            "INSERT INTO experiments (name, definition, updated_at, updated_by) VALUES ($1, $2, $3, $4) " +
            "ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by " +
            "RETURNING definition::text",
            connection,
            transaction))
        {
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = experiment.Name });
            upsert.Parameters.Add(new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb });
            upsert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor.Name });
            storedJson = (string)(await upsert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await AuditWriter.AppendAsync(
            connection, transaction, now, actor, "experiment.put", "experiment/" + experiment.Name, previous, storedJson, cancellationToken).ConfigureAwait(false);
        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (new StoredExperiment(experiment.Name, storedJson, now, actor.Name), previous);
    }

    private static StoredExperiment Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetFieldValue<DateTime>(2)), reader.GetString(3));
}
