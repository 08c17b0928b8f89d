using Npgsql;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Read-only queries about the partitions of <c>telematics_events</c> and the rows in DEFAULT; each on its own
/// connection, outside any lock, so what they report may change before it is acted on.
/// </summary>
/// <param name="dataSource">Data source of a migrated database.</param>
internal sealed class PartitionCatalog(NpgsqlDataSource dataSource)
{
    /// <summary>Every partition with its range, exact row count and size; see <see cref="PartitionManager.ListAsync"/>.</summary>
    public async Task<IReadOnlyList<PartitionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var names = await ReadPartitionNamesAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<PartitionInfo>(names.Count);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
        {
            PartitionMonth? month = PartitionMonth.TryParseName(name, out var parsed) ? parsed : null;
            if (month is null && name != PartitionMonth.DefaultPartitionName)
            {
                continue; // A partition not made by this package; it is not ours to describe.
            }

            await using var command = new NpgsqlCommand(
                $"SELECT count(*), pg_total_relation_size('{name}'::regclass) FROM \"{name}\"", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            result.Add(new PartitionInfo(name, month, reader.GetInt64(0), reader.GetInt64(1)));
        }

        result.Sort(static (a, b) => (a.Month, b.Month) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            ({ } x, { } y) => x.CompareTo(y),
        });
        return result;
    }

    /// <summary>Names of the tables attached to <c>telematics_events</c> now, DEFAULT and foreign partitions included.</summary>
    public async Task<List<string>> ReadPartitionNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using var command = dataSource.CreateCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'telematics_events'::regclass");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Months that have rows in DEFAULT, with their row counts; see <see cref="PartitionManager.ReadDefaultMonthsAsync"/>.</summary>
    public async Task<IReadOnlyList<(PartitionMonth Month, long Rows)>> ReadDefaultMonthsAsync(CancellationToken cancellationToken)
    {
        var months = new List<(PartitionMonth, long)>();
        await using var command = dataSource.CreateCommand(
            "SELECT extract(year FROM ts AT TIME ZONE 'UTC')::int, extract(month FROM ts AT TIME ZONE 'UTC')::int, count(*) " +
            $"FROM {PartitionMonth.DefaultPartitionName} GROUP BY 1, 2 ORDER BY 1, 2");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var year = reader.GetInt32(0);
            if (year is >= PartitionMonth.MinYear and <= PartitionMonth.MaxYear)
            {
                months.Add((new PartitionMonth(year, reader.GetInt32(1)), reader.GetInt64(2)));
            }
        }

        return months;
    }

    /// <summary>DEFAULT rows older than <paramref name="oldestKept"/> (expired) and at or after <paramref name="horizonEnd"/> (beyond the horizon).</summary>
    public async Task<(long Expired, long BeyondHorizon)> CountDefaultOutsideAsync(DateTimeOffset oldestKept, DateTimeOffset horizonEnd, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*) FILTER (WHERE ts < $1), count(*) FILTER (WHERE ts >= $2) FROM {PartitionMonth.DefaultPartitionName}");
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = oldestKept.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = horizonEnd.UtcDateTime });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
