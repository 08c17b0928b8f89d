using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>
/// A copy of the signed audit anchors outside the database: an append-only file with one JSON object per line
/// (<c>{"seq":42,"head_hash":"…","signed_at":"…","key_id":"…","signature":"…"}</c>), flushed to disk on every append.
/// </summary>
/// <remarks>
/// <para>
/// Someone who can rewrite the database (a superuser with triggers off) can also delete <c>audit_anchors</c>; the
/// journal is what they cannot reach when the operator ships it elsewhere (a write-once bucket, a log collector, another
/// host). <see cref="AuditLog.VerifyAsync(AuditVerifyOptions, CancellationToken)"/> requires every anchor in the journal
/// to be in the database, unchanged, and to match the chain.
/// </para>
/// <para>
/// Anchors are written to the database first and to the journal second, so a failure between the two leaves an anchor
/// the journal lacks (harmless: the next anchor is journaled), never one the database lacks. Not for concurrent writers
/// from several processes: run the anchoring in one place (the host's schedule or cron).
/// </para>
/// </remarks>
public sealed class AuditAnchorJournal
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>Creates a journal at <paramref name="path"/>; the file is created on the first append.</summary>
    /// <param name="path">Path of the journal file.</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public AuditAnchorJournal(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>Full path of the journal file.</summary>
    public string Path { get; }

    /// <summary>Appends <paramref name="anchor"/> unless the journal already holds an anchor of its row, and flushes it to disk.</summary>
    /// <param name="anchor">The anchor just stored in the database.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns><see langword="true"/> when a line was appended.</returns>
    /// <exception cref="IOException">The file cannot be read or written.</exception>
    /// <exception cref="InvalidDataException">A line of the journal cannot be read (see <see cref="ReadAsync"/>).</exception>
    public async Task<bool> AppendAsync(AuditAnchor anchor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        foreach (var held in await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (held.Seq == anchor.Seq)
            {
                return false;
            }
        }

        var line = Format(anchor);
        var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);

            // On disk before the caller reports the anchor made: a crash must not lose the copy the database cannot hide.
            stream.Flush(flushToDisk: true);
        }

        return true;
    }

    /// <summary>Reads every anchor in the journal, in file order; an absent file is an empty journal.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The anchors, one per non-empty line.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">A line is not an anchor; the message names the line and the field.</exception>
    public async Task<IReadOnlyList<AuditAnchor>> ReadAsync(CancellationToken cancellationToken = default)
    {
        var anchors = new List<AuditAnchor>();
        if (!File.Exists(Path))
        {
            return anchors;
        }

        var lines = await File.ReadAllLinesAsync(Path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > 0)
            {
                anchors.Add(Parse(lines[i], i + 1));
            }
        }

        return anchors;
    }

    private static byte[] Format(AuditAnchor anchor)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", anchor.Seq);
            writer.WriteString("head_hash", Convert.ToHexStringLower(anchor.HeadHash.Span));
            writer.WriteString("signed_at", anchor.SignedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("key_id", anchor.KeyId);
            writer.WriteString("signature", Convert.ToBase64String(anchor.Signature.Span));
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private AuditAnchor Parse(string line, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var seq = Field(root, "seq", number).GetInt64();
            var hash = Convert.FromHexString(Field(root, "head_hash", number).GetString()!);
            if (seq < 1 || hash.Length != AuditChainHasher.HashLength)
            {
                throw Bad(number, seq < 1 ? "seq" : "head_hash", seq < 1 ? "must be 1 or more" : $"must be {AuditChainHasher.HashLength} bytes");
            }

            var signedAt = DateTimeOffset.Parse(Field(root, "signed_at", number).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var keyId = Field(root, "key_id", number).GetString()!;
            var signature = Convert.FromBase64String(Field(root, "signature", number).GetString()!);
            return new AuditAnchor(seq, hash, signedAt, keyId, signature);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"Audit anchor journal {Path} line {number} is not an anchor: {e.Message}", e);
        }
    }

    private InvalidDataException Bad(int number, string field, string problem) =>
        new($"Audit anchor journal {Path} line {number}: {field} {problem}.");

    private JsonElement Field(JsonElement root, string name, int number) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw Bad(number, name, "is missing");
}
