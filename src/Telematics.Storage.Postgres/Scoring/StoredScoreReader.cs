using Npgsql;

using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;

namespace Telematics.Storage.Postgres.Scoring;

/// <summary>Reads a driver's stored scores (with their references) and premiums a page at a time, newest first.</summary>
/// <remarks>Thread-safe. Served by the (driver_id, scored_at DESC) and (driver_id, effective_at DESC) indexes.</remarks>
public sealed class StoredScoreReader
{
    /// <summary>The largest page served.</summary>
    public const int MaxPageSize = 500;

    private const string ScoreColumns = ScoreRows.Columns + ", reference_score, reference";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the reader.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    public StoredScoreReader(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>Reads the driver's latest score.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The newest score, or null when the driver has none.</returns>
    public async Task<StoredScore?> LatestAsync(long driverId, CancellationToken cancellationToken = default)
    {
        var page = await ScoresAsync(driverId, 1, 1, cancellationToken).ConfigureAwait(false);
        return page.Count == 0 ? null : page[0];
    }

    /// <summary>Reads one page of the driver's scores, newest first.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="page">Page number, from 1.</param>
    /// <param name="pageSize">Scores per page, 1–<see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page; empty past the last.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The page or page size is out of range.</exception>
    public async Task<IReadOnlyList<StoredScore>> ScoresAsync(long driverId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        CheckPage(page, pageSize);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {ScoreColumns} FROM risk_scores WHERE driver_id = $1 ORDER BY {ScoreRows.NewestFirst} LIMIT $2 OFFSET $3");
        AddPage(command, driverId, page, pageSize);
        var scores = new List<StoredScore>(Math.Min(pageSize, 64));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var record = ScoreRows.Map(reader);
            scores.Add(new StoredScore(
                record,
                reader.IsDBNull(ScoreRows.Count) ? null : reader.GetDouble(ScoreRows.Count),
                reader.IsDBNull(ScoreRows.Count + 1) ? null : reader.GetFieldValue<float[]>(ScoreRows.Count + 1)));
        }

        return scores;
    }

    /// <summary>Reads one page of the driver's premiums, newest first (the first of page 1 is the current premium).</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="page">Page number, from 1.</param>
    /// <param name="pageSize">Premiums per page, 1–<see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page; empty past the last.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The page or page size is out of range.</exception>
    public async Task<IReadOnlyList<PremiumRecord>> PremiumsAsync(long driverId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        CheckPage(page, pageSize);
        await using var command = _dataSource.CreateCommand(
            $"SELECT {PremiumRows.Columns} FROM premiums WHERE driver_id = $1 ORDER BY {PremiumRows.NewestFirst} LIMIT $2 OFFSET $3");
        AddPage(command, driverId, page, pageSize);
        var premiums = new List<PremiumRecord>(Math.Min(pageSize, 64));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            premiums.Add(PremiumRows.Map(reader));
        }

        return premiums;
    }

    /// <summary>Reads a driver's pricing region.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Whether the driver exists, and its region (null = the plan's default).</returns>
    public async Task<(bool Exists, string? Region)> RegionAsync(long driverId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT region FROM drivers WHERE driver_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return (false, null);
        }

        return (true, reader.IsDBNull(0) ? null : reader.GetString(0));
    }

    /// <summary>Reads a driver's classical cell: region, age band and vehicle class.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>Whether the driver exists, and its cell (a part null when not on record).</returns>
    public async Task<(bool Exists, RatingCell Cell)> RatingCellAsync(long driverId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT region, age_band, vehicle_class FROM drivers WHERE driver_id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return (false, default);
        }

        return (true, ReadCell(reader));
    }

    // Columns region, age_band, vehicle_class from the reader's first three.
    internal static RatingCell ReadCell(NpgsqlDataReader reader, int first = 0) => new(
        reader.IsDBNull(first) ? null : reader.GetString(first),
        reader.IsDBNull(first + 1) ? null : reader.GetString(first + 1),
        reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2));

    private static void CheckPage(int page, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
    }

    private static void AddPage(NpgsqlCommand command, long driverId, int page, int pageSize)
    {
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)(page - 1) * pageSize });
    }
}
