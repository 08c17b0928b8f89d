using System.Text.RegularExpressions;

using Npgsql;

using NpgsqlTypes;

using Telematics.Service.Scoring;
using Telematics.Service.Storage;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>
/// Keeps the progress of resumable batch scoring runs (<c>scoring_runs</c>): a run is started once per id, advanced
/// chunk by chunk in the same transaction as the chunk's scores (see <see cref="StoredDriverScorer.ScoreRunChunkAsync"/>),
/// and marked finished at the end.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed partial class ScoringRunRepository : IScoringRunStore
{
    private const string Columns =
        "run_id, selection, period_start, period_end, started_at, finished_at, last_driver_id, chunks_done, drivers_scored, drivers_failed, drivers_without_trips";

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the repository.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="timeProvider">Clock for start and finish times.</param>
    public ScoringRunRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
    }

    /// <summary>Whether <paramref name="runId"/> is a valid run id (1–100 of letters, digits and <c>. _ : -</c>, starting with a letter or digit).</summary>
    /// <param name="runId">The candidate id.</param>
    /// <returns>True when it can be stored.</returns>
    public static bool IsValidRunId(string? runId) => runId is not null && RunIdPattern().IsMatch(runId);

    /// <summary>Reads a run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The run, or null when none has that id.</returns>
    public async Task<ScoringRun?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM scoring_runs WHERE run_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>Starts run <paramref name="runId"/>, or returns it unchanged when it already exists (finished or not).</summary>
    /// <param name="runId">The run id; see <see cref="IsValidRunId"/>.</param>
    /// <param name="selection">Which drivers it covers (<c>all</c>, or <c>drivers:</c> and the ids), at most 10 000 characters.</param>
    /// <param name="from">Inclusive start of the period.</param>
    /// <param name="to">Exclusive end of the period, after <paramref name="from"/>.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The run as stored; compare its selection and period with the caller's before resuming it.</returns>
    /// <exception cref="ArgumentException">The run id or selection is invalid, or the period is empty.</exception>
    public async Task<ScoringRun> StartOrGetAsync(string runId, string selection, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (!IsValidRunId(runId))
        {
            throw new ArgumentException($"Run id '{runId}' is invalid: use 1–100 letters, digits and . _ : -, starting with a letter or digit.", nameof(runId));
        }

        if (string.IsNullOrEmpty(selection) || selection.Length > 10_000)
        {
            throw new ArgumentException("The selection must be 1–10 000 characters.", nameof(selection));
        }

        if (to <= from)
        {
            throw new ArgumentException("The period must end after it starts.", nameof(to));
        }

        // drivers_without_trips from 0: the column has no default, so that runs started by older builds stay unknown (null).
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO scoring_runs (run_id, selection, period_start, period_end, started_at, status, drivers_without_trips) VALUES ($1, $2, $3, $4, $5, 'running', 0) " +
            "ON CONFLICT (run_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = selection });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = _timeProvider.GetUtcNow().UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return (await GetAsync(runId, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Marks a run finished; later starts with its id write nothing.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The finished run.</returns>
    /// <exception cref="KeyNotFoundException">No run has that id.</exception>
    public async Task<ScoringRun> FinishAsync(string runId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            "UPDATE scoring_runs SET status = 'finished', finished_at = coalesce(finished_at, $2) WHERE run_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = _timeProvider.GetUtcNow().UtcDateTime });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(runId, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException($"No scoring run '{runId}'.");
    }

    /// <inheritdoc />
    public async Task<long[]> NextDriversAsync(long afterDriverId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // Keyset paging on the primary key: each chunk starts after the previous one's last driver.
        await using var command = _dataSource.CreateCommand("SELECT driver_id FROM drivers WHERE driver_id > $1 ORDER BY driver_id LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterDriverId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var ids = new List<long>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    /// <inheritdoc />
    public async Task<int> CountDriversAfterAsync(long afterDriverId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT count(*) FROM drivers WHERE driver_id > $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterDriverId });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Advances a running run past a chunk inside the chunk's transaction.</summary>
    /// <remarks>
    /// One statement adds every count, so a chunk that rolls back leaves none of them. A <see cref="ScoringRunAdvance.NoTrips"/>
    /// of null (not counted) or a run stored before migration 0031 (null) leaves the run's drivers without trips null: unknown.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The run is not running or has already passed the chunk's last driver (another process resumed it).</exception>
    internal static async Task AdvanceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ScoringRunAdvance run, CancellationToken cancellationToken)
    {
        var (runId, lastDriverId, scored, failed) = run;
        await using var command = new NpgsqlCommand(
            "UPDATE scoring_runs SET last_driver_id = $2, chunks_done = chunks_done + 1, drivers_scored = drivers_scored + $3, drivers_failed = drivers_failed + $4, " +
            "drivers_without_trips = drivers_without_trips + $5 " +
            "WHERE run_id = $1 AND status = 'running' AND last_driver_id < $2",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lastDriverId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = scored });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = failed });
        command.Parameters.Add(new NpgsqlParameter { Value = run.NoTrips is { } noTrips ? noTrips : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            throw new InvalidOperationException($"Scoring run '{runId}' is not running or has already passed driver {lastDriverId}; the chunk was not stored.");
        }
    }

    private static ScoringRun Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(2)),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(3)),
        new DateTimeOffset(reader.GetFieldValue<DateTime>(4)),
        reader.IsDBNull(5) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(5)),
        reader.GetInt64(6),
        reader.GetInt32(7),
        reader.GetInt32(8),
        reader.GetInt32(9))
    {
        DriversWithoutTrips = reader.IsDBNull(10) ? null : reader.GetInt32(10),
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]
    private static partial Regex RunIdPattern();
}
