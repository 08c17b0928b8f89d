using System.Data;

using Npgsql;

using NpgsqlTypes;

using Telematics.Scoring.Pricing;

namespace Telematics.Storage.Postgres.Scores;

/// <summary>
/// The book's mean model frequency per classical cell (region × age band × vehicle class): the λ̄ a pricing plan's
/// <c>cell_mean_frequency</c> measures a driver's relativity against, computed from the insurer's own drivers instead of
/// the training population (docs/pricing/README.md, "Classical cells").
/// </summary>
/// <remarks>
/// Each stored driver counts once, with the raw output of their latest score of the model (of one version when given):
/// for a model whose output is a frequency, the predicted annual claim frequency λ. Erased drivers are gone with their
/// scores (the erasure deletes them), so every driver counted is on the books. Drivers are not weighted: each is priced
/// for the same policy year, whereas training weights its cell means by the years over which each driver's claims were
/// observed (0.5–1 year there). Thread-safe.
/// </remarks>
public sealed class BookCellMeansQuery
{
    /// <summary>Cells with fewer drivers than this are left out unless another minimum is asked for (as in training).</summary>
    public const int DefaultMinDrivers = 30;

    // Each driver's latest score of the model ($1), of one version ($2) or any; a driver with no such score is not in it.
    private const string LatestScores = """
        SELECT DISTINCT ON (r.driver_id) r.driver_id, r.raw_output, r.model_version
        FROM risk_scores r
        WHERE r.model_name = $1 AND ($2::text IS NULL OR r.model_version = $2)
        ORDER BY r.driver_id, r.scored_at DESC, r.score_id DESC
        """;

    // Every cell shape a plan accepts (FrequencyRelativity.MeanFrequencyFor) and the book: the grouping sets are the seven
    // non-empty subsets of the three factors and (). A grouped factor that is NULL is a driver without it on record, who
    // counts only toward the sets that roll that factor up (the HAVING), never toward a cell of its own.
    private const string Sql = $"""
        WITH latest AS ({LatestScores})
        SELECT d.region, d.age_band, d.vehicle_class, count(*), avg(l.raw_output),
               GROUPING(d.region), GROUPING(d.age_band), GROUPING(d.vehicle_class)
        FROM latest l
        JOIN drivers d ON d.driver_id = l.driver_id
        GROUP BY GROUPING SETS (
            (d.region, d.age_band, d.vehicle_class), (d.region, d.age_band), (d.region, d.vehicle_class), (d.age_band, d.vehicle_class),
            (d.region), (d.age_band), (d.vehicle_class), ())
        HAVING (GROUPING(d.region) = 1 OR d.region IS NOT NULL)
           AND (GROUPING(d.age_band) = 1 OR d.age_band IS NOT NULL)
           AND (GROUPING(d.vehicle_class) = 1 OR d.vehicle_class IS NOT NULL)
           AND (GROUPING(d.region, d.age_band, d.vehicle_class) = 7 OR count(*) >= $3)
        ORDER BY GROUPING(d.region) + GROUPING(d.age_band) + GROUPING(d.vehicle_class),
                 GROUPING(d.region, d.age_band, d.vehicle_class),
                 d.region, array_position($4::text[], d.age_band), array_position($5::text[], d.vehicle_class)
        """;

    private const string VersionsSql = $"""
        WITH latest AS ({LatestScores})
        SELECT l.model_version, count(*)
        FROM latest l
        JOIN drivers d ON d.driver_id = l.driver_id
        GROUP BY l.model_version
        ORDER BY count(*) DESC, l.model_version
        """;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the query.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    public BookCellMeansQuery(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>
    /// Reads the mean raw output of the latest score of <paramref name="modelName"/> per driver, for the whole book and per
    /// cell at every level a plan understands: <c>r/a/v</c>, <c>r/a/*</c>, <c>r/*/v</c>, <c>*/a/v</c>, <c>r/*/*</c>,
    /// <c>*/a/*</c>, <c>*/*/v</c>, in that order of specificity (then by region, age band, vehicle class).
    /// </summary>
    /// <param name="modelName">The model whose scores are read.</param>
    /// <param name="modelVersion">Only scores of this version, or null for each driver's latest score of any version.</param>
    /// <param name="minDrivers">Cells with fewer drivers are left out (the book is always given), ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The book and its cells; <see cref="BookCellMeans.Drivers"/> is 0 when no driver has a score of the model.</returns>
    /// <exception cref="ArgumentException">The model name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minDrivers"/> is below 1.</exception>
    public async Task<BookCellMeans> ReadAsync(string modelName, string? modelVersion = null, int minDrivers = DefaultMinDrivers, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        ArgumentOutOfRangeException.ThrowIfLessThan(minDrivers, 1);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for both reads, so the versions add up to the book's drivers even while scores are being written.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = modelName },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)modelVersion ?? DBNull.Value },
                new NpgsqlParameter<long> { TypedValue = minDrivers },
                new NpgsqlParameter<string[]> { TypedValue = [.. RatingFactorCodes.AgeBands] },
                new NpgsqlParameter<string[]> { TypedValue = [.. RatingFactorCodes.VehicleClasses] },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(VersionsSql)
        {
            Parameters =
            {
                new NpgsqlParameter<string> { TypedValue = modelName },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)modelVersion ?? DBNull.Value },
            },
        });

        long drivers = 0;
        double? bookMean = null;
        var cells = new List<BookCellMean>();
        var versions = new List<BookModelVersionCount>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = reader.GetInt64(3);
                if (reader.GetInt32(5) == 1 && reader.GetInt32(6) == 1 && reader.GetInt32(7) == 1)
                {
                    // The set () has a row even without a driver: count 0, no mean.
                    (drivers, bookMean) = (count, count == 0 ? null : reader.GetDouble(4));
                    continue;
                }

                var mean = reader.GetDouble(4);

                cells.Add(new BookCellMean(
                    reader.IsDBNull(0) ? null : reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    count,
                    mean));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                versions.Add(new BookModelVersionCount(reader.GetString(0), reader.GetInt64(1)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new BookCellMeans(modelName, modelVersion, minDrivers, drivers, bookMean, versions, cells);
    }
}

/// <summary>The book's mean model output per classical cell (<see cref="BookCellMeansQuery"/>).</summary>
/// <param name="ModelName">The model read.</param>
/// <param name="ModelVersion">The version asked for, or null for each driver's latest score of any version.</param>
/// <param name="MinDrivers">Cells with fewer drivers were left out.</param>
/// <param name="Drivers">Drivers with a score of the model (each counted once).</param>
/// <param name="BookMeanFrequency">Their mean raw output, or null when <see cref="Drivers"/> is 0.</param>
/// <param name="Versions">How many of those drivers' latest scores each model version gave, most first.</param>
/// <param name="Cells">The cells of at least <see cref="MinDrivers"/> drivers, most specific first.</param>
public sealed record BookCellMeans(
    string ModelName,
    string? ModelVersion,
    int MinDrivers,
    long Drivers,
    double? BookMeanFrequency,
    IReadOnlyList<BookModelVersionCount> Versions,
    IReadOnlyList<BookCellMean> Cells);

/// <summary>One classical cell of the book: a region, age band and vehicle class, each null for "any" (<c>*</c>).</summary>
/// <param name="Region">Region code, or null for any region.</param>
/// <param name="AgeBand">Age band code, or null for any age band.</param>
/// <param name="VehicleClass">Vehicle class code, or null for any vehicle class.</param>
/// <param name="Drivers">Drivers in the cell with a score of the model.</param>
/// <param name="MeanFrequency">Their mean raw output (λ̄ of the cell for a frequency model).</param>
public sealed record BookCellMean(string? Region, string? AgeBand, string? VehicleClass, long Drivers, double MeanFrequency)
{
    /// <summary>The plan key of the cell, <c>region/age_band/vehicle_class</c> with <c>*</c> for any (as <c>cell_mean_frequency</c> takes it).</summary>
    public string Key => new RatingCell(Region, AgeBand, VehicleClass).ToString();
}

/// <summary>How many drivers' latest scores a model version gave.</summary>
/// <param name="ModelVersion">The version.</param>
/// <param name="Drivers">The drivers.</param>
public sealed record BookModelVersionCount(string ModelVersion, long Drivers);
