using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Reads the gzip CSV files the archive writes (PostgreSQL <c>COPY … (FORMAT CSV, HEADER)</c> in UTC with full float
/// precision): counts and hashes their rows through <see cref="ArchiveRowHasher"/>, checks each row's month, and can
/// pass the lines on unchanged (to a COPY FROM).
/// </summary>
internal static class ArchiveCsv
{
    /// <summary>The archived columns, in order (also the header line, comma-separated).</summary>
    public const string Columns =
        "driver_id, event_id, ts, latitude_deg, longitude_deg, speed_mps, heading_deg, long_accel_mps2, lat_accel_mps2, gps_accuracy_m, speed_limit_mps, road_class, flags";

    private static readonly System.Text.UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly string Header = Columns.Replace(" ", string.Empty, StringComparison.Ordinal);
    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>What reading a file found.</summary>
    /// <param name="Rows">Data rows (lines after the header).</param>
    /// <param name="ContentSha256">Hash of the rows in the canonical encoding.</param>
    public readonly record struct Content(long Rows, byte[] ContentSha256);

    /// <summary>The SHA-256 of an archive file's bytes, as <c>partition_archives</c> records it.</summary>
    /// <param name="path">The .csv.gz file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The 32-byte hash.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<byte[]> FileSha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <paramref name="path"/>, hashing each row and copying each line (with its newline) to <paramref name="sink"/> when given.</summary>
    /// <param name="path">The .csv.gz file.</param>
    /// <param name="fromUs">Inclusive lower bound of ts (µs since the Unix epoch) every row must meet.</param>
    /// <param name="toUs">Exclusive upper bound of ts.</param>
    /// <param name="sink">Where the lines go, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="InvalidDataException">The file is not gzip, its header is not the archive's, or a line is not a row of the range; the message names the line.</exception>
    public static async Task<Content> ReadAsync(string path, long fromUs, long toUs, TextWriter? sink, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Utf8NoBom, detectEncodingFromByteOrderMarks: false, 1 << 16);
        using var hasher = new ArchiveRowHasher();
        var header = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (header != Header)
        {
            throw new InvalidDataException($"line 1 is not the archive header '{Header}'.");
        }

        if (sink is not null)
        {
            await sink.WriteAsync(header + "\n").ConfigureAwait(false);
        }

        long lineNumber = 1;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (!TryParse(line, out var row, out var problem))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {problem}."));
            }

            if (row.UnixMicroseconds < fromUs || row.UnixMicroseconds >= toUs)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: ts {Field(line, 2)} is outside the archived range."));
            }

            hasher.Add(row);
            if (sink is not null)
            {
                await sink.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                await sink.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }

        var rows = hasher.Rows;
        return new Content(rows, hasher.Finish());
    }

    /// <summary>Parses one data line; fields are never quoted because no archived column is text.</summary>
    internal static bool TryParse(string line, out ArchiveRow row, out string problem)
    {
        row = default;
        Span<Range> fields = stackalloc Range[14];
        var span = line.AsSpan();
        if (span.Split(fields, ',') != 13)
        {
            problem = "does not have 13 comma-separated fields";
            return false;
        }

        problem = string.Empty;
        var inv = CultureInfo.InvariantCulture;
        if (!long.TryParse(span[fields[0]], NumberStyles.AllowLeadingSign, inv, out var driver)
            || !long.TryParse(span[fields[1]], NumberStyles.AllowLeadingSign, inv, out var eventId)
            || !TryParseTimestamp(span[fields[2]], out var micros)
            || !double.TryParse(span[fields[3]], NumberStyles.Float, inv, out var lat)
            || !double.TryParse(span[fields[4]], NumberStyles.Float, inv, out var lon)
            || !TryParseNullable(span[fields[5]], out var speed)
            || !TryParseNullable(span[fields[6]], out var heading)
            || !TryParseNullable(span[fields[7]], out var longAccel)
            || !TryParseNullable(span[fields[8]], out var latAccel)
            || !TryParseNullable(span[fields[9]], out var accuracy)
            || !TryParseNullable(span[fields[10]], out var limit)
            || !short.TryParse(span[fields[11]], NumberStyles.AllowLeadingSign, inv, out var roadClass)
            || !short.TryParse(span[fields[12]], NumberStyles.AllowLeadingSign, inv, out var flags))
        {
            problem = "has a field that is not a value of its column";
            return false;
        }

        row = new ArchiveRow(driver, eventId, micros, lat, lon, speed, heading, longAccel, latAccel, accuracy, limit, roadClass, flags);
        return true;
    }

    private static bool TryParseNullable(ReadOnlySpan<char> text, out float? value)
    {
        value = null;
        if (text.IsEmpty)
        {
            return true;
        }

        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    // PostgreSQL's ISO output in UTC: "YYYY-MM-DD HH:MM:SS[.ffffff]+00".
    private static bool TryParseTimestamp(ReadOnlySpan<char> text, out long unixMicroseconds)
    {
        unixMicroseconds = 0;
        if (text.Length < 22 || !text.EndsWith("+00")
            || !DateTime.TryParseExact(text[..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var seconds))
        {
            return false;
        }

        var fraction = text[19..^3];
        long micros = 0;
        if (!fraction.IsEmpty)
        {
            if (fraction[0] != '.' || fraction.Length is < 2 or > 7)
            {
                return false;
            }

            var digits = fraction[1..];
            for (var i = 0; i < 6; i++)
            {
                var digit = i < digits.Length ? digits[i] - '0' : 0;
                if (digit is < 0 or > 9)
                {
                    return false;
                }

                micros = (micros * 10) + digit;
            }
        }

        unixMicroseconds = ((seconds.Ticks - UnixEpochTicks) / 10) + micros;
        return true;
    }

    private static string Field(string line, int index)
    {
        var parts = line.Split(',');
        return index < parts.Length ? parts[index] : string.Empty;
    }
}
