using System.Net;

using Npgsql;

using NpgsqlTypes;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>Reads the audit log newest first, a page at a time, filtered by action, resource, actor and time.</summary>
/// <remarks>
/// Thread-safe and read-only. A resource filter uses <c>audit_log_resource_idx</c>, an action filter
/// <c>audit_log_action_idx</c>; otherwise the primary key is read backwards and the page stops at its size. Every one of
/// these indexes ends in <c>seq DESC</c>, so <see cref="ReadAfterAsync"/> starts each page where the previous one ended
/// (an index condition <c>seq &lt; after</c>) and costs the same on page 1,000 as on page 1; <see cref="ReadPageAsync"/>
/// skips <c>(page − 1) × pageSize</c> rows first.
/// </remarks>
public sealed class AuditReader
{
    /// <summary>The largest page <see cref="ReadPageAsync"/> serves.</summary>
    public const int MaxPageSize = 500;

    internal const string Sql = FilteredRows + """

        ORDER BY seq DESC
        LIMIT $6 OFFSET $7
        """;

    internal const string KeysetSql = FilteredRows + """

          AND ($6::bigint IS NULL OR seq < $6)
        ORDER BY seq DESC
        LIMIT $7
        """;

    // The rows matching an AuditFilter ($1–$5, in AddFilter's order); both pagings append their order and limit.
    private const string FilteredRows = """
        SELECT seq, occurred_at, actor, action, resource, before::text, after::text, ip, redacted_at
        FROM audit_log
        WHERE ($1::text IS NULL OR action = $1)
          AND ($2::text IS NULL OR resource = $2)
          AND ($3::text IS NULL OR actor = $3)
          AND ($4::timestamptz IS NULL OR occurred_at >= $4)
          AND ($5::timestamptz IS NULL OR occurred_at < $5)
        """;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the reader.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    public AuditReader(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <summary>
    /// Reads one page of the rows matching <paramref name="filter"/>, newest (highest seq) first, by offset. Prefer
    /// <see cref="ReadAfterAsync"/> for walking the log: an offset reads and skips every row before the page.
    /// </summary>
    /// <param name="filter">The conditions.</param>
    /// <param name="page">Page number, from 1.</param>
    /// <param name="pageSize">Rows per page, 1–<see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows of the page; fewer than <paramref name="pageSize"/> on the last page.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The page or page size is out of range.</exception>
    public async Task<IReadOnlyList<AuditEntry>> ReadPageAsync(AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        await using var command = _dataSource.CreateCommand(Sql);
        AddFilter(command, filter);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)(page - 1) * pageSize });
        return await ReadRowsAsync(command, pageSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the rows matching <paramref name="filter"/> that come after <paramref name="afterSeq"/> in newest-first order
    /// (seq below it), at most <paramref name="pageSize"/> of them: keyset paging, where each page starts at the
    /// <see cref="AuditKeysetPage.NextAfterSeq"/> of the previous one. Rows appended while a client pages do not shift the
    /// pages (they have higher seqs and appear only on a new first page).
    /// </summary>
    /// <param name="filter">The conditions.</param>
    /// <param name="afterSeq">The seq of the last row already seen; <see langword="null"/> for the first page (the newest rows).</param>
    /// <param name="pageSize">Rows per page, 1–<see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows and the cursor of the next page (<see langword="null"/> when no row follows).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The page size is out of range, or <paramref name="afterSeq"/> is below 1.</exception>
    public async Task<AuditKeysetPage> ReadAfterAsync(AuditFilter filter, long? afterSeq, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        if (afterSeq is { } seq)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1L, nameof(afterSeq));
        }

        await using var command = _dataSource.CreateCommand(KeysetSql);
        AddFilter(command, filter);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = afterSeq is { } after ? after : DBNull.Value });

        // One row more than the page says whether another page follows, without a count.
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize + 1 });
        var rows = await ReadRowsAsync(command, pageSize + 1, cancellationToken).ConfigureAwait(false);
        if (rows.Count <= pageSize)
        {
            return new AuditKeysetPage(rows, null);
        }

        rows.RemoveAt(pageSize);
        return new AuditKeysetPage(rows, rows[^1].Seq);
    }

    private static async Task<List<AuditEntry>> ReadRowsAsync(NpgsqlCommand command, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<AuditEntry>(Math.Min(limit, 64));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new AuditEntry(
                reader.GetInt64(0),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<IPAddress>(7))
            {
                RedactedAt = reader.IsDBNull(8) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(8)),
            });
        }

        return rows;
    }

    // $1–$5 of FilteredRows.
    private static void AddFilter(NpgsqlCommand command, AuditFilter filter)
    {
        command.Parameters.Add(Text(filter.Action));
        command.Parameters.Add(Text(filter.Resource));
        command.Parameters.Add(Text(filter.Actor));
        command.Parameters.Add(Time(filter.From));
        command.Parameters.Add(Time(filter.To));
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v.UtcDateTime : DBNull.Value };
}
