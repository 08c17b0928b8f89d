using Npgsql;
using NpgsqlTypes;
using Telematics.Api.Endpoints;

namespace Telematics.Api.Storage;

/// <summary>
/// Pages through the drivers table for the list endpoint (the storage package's repository reads one driver at a time).
/// Read-only; every value is a parameter.
/// </summary>
internal sealed class DriverDirectory(NpgsqlDataSource dataSource)
{
    /// <summary>The largest page the list endpoint serves.</summary>
    public const int MaxPageSize = 200;

    private const string Sql = """
        SELECT driver_id, external_ref, display_name, created_at, updated_at, region, time_zone
        FROM drivers
        WHERE ($1::text IS NULL OR strpos(lower(display_name), lower($1)) > 0)
          AND ($2::bigint IS NULL OR driver_id = $2)
        ORDER BY driver_id
        LIMIT $3 OFFSET $4
        """;

    /// <summary>Reads one page of drivers by id, optionally those whose display name contains <paramref name="name"/> (any case).</summary>
    /// <param name="name">Substring of the display name; null for every driver.</param>
    /// <param name="onlyDriverId">Restricts the page to this driver; null for no restriction.</param>
    /// <param name="page">The page number, from 1.</param>
    /// <param name="pageSize">Rows per page, 1–<see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<DriverResponse>> ListAsync(string? name, long? onlyDriverId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)name ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = onlyDriverId is { } id ? id : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)(page - 1) * pageSize });

        var items = new List<DriverResponse>(pageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new DriverResponse(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return items;
    }
}
