using System.IO.Pipelines;
using Microsoft.Net.Http.Headers;
using Telematics.Features.Ingest.Csv;

namespace Telematics.Api.Ingest;

/// <summary>Checks on an upload's body before any record is read: its media type and charset, and that it is not empty.</summary>
internal static class UploadBody
{
    /// <summary>
    /// The body's media type when it is one of <paramref name="supported"/> in UTF-8 (no charset, <c>utf-8</c> or its
    /// subset <c>us-ascii</c>); otherwise null and why, for a 415. A missing Content-Type is refused, not guessed.
    /// </summary>
    public static string? MediaType(string? contentType, IReadOnlyList<string> supported, out string problem) =>
        MediaType(contentType, supported, CsvEncoding.Utf8, out problem);

    /// <summary>
    /// As the UTF-8 overload, but for a body read through a CSV mapping whose <see cref="CsvColumnMapping.Encoding"/> is
    /// <paramref name="encoding"/>: its charset must be absent, <c>us-ascii</c>, or name that encoding (a body labelled
    /// UTF-8 for a Windows-1252 mapping is refused rather than mis-read).
    /// </summary>
    public static string? MediaType(string? contentType, IReadOnlyList<string> supported, CsvEncoding encoding, out string problem)
    {
        problem = string.Empty;
        var listed = string.Join(", ", supported);
        if (string.IsNullOrWhiteSpace(contentType))
        {
            problem = $"The Content-Type header is required: {listed}.";
            return null;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType.Value is not { } mediaType
            || !supported.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            problem = $"The body must be one of: {listed}.";
            return null;
        }

        var charset = parsed.Charset.Value;
        if (charset is not null && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase)
            && !Array.Exists(Labels(encoding), label => charset.Equals(label, StringComparison.OrdinalIgnoreCase)))
        {
            problem = encoding == CsvEncoding.Utf8
                ? "Only UTF-8 bodies are read; send the body in UTF-8 with charset=utf-8 or no charset."
                : $"This CSV mapping reads {Labels(encoding)[0]}; send the body in it with charset={Labels(encoding)[0]} or no charset.";
            return null;
        }

        return mediaType.ToLowerInvariant();
    }

    // Charset labels of each encoding. As in the WHATWG Encoding Standard (what browsers send), iso-8859-1 also labels
    // windows-1252: the two differ only in 0x80–0x9F, which Latin-1 text does not use.
    private static string[] Labels(CsvEncoding encoding) => encoding switch
    {
        CsvEncoding.Latin1 => ["iso-8859-1", "latin1", "l1"],
        CsvEncoding.Windows1252 => ["windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "latin1"],
        _ => ["utf-8", "utf8"],
    };

    /// <summary>Whether the body has no byte at all; reads ahead without consuming, so the readers still see every byte.</summary>
    public static async ValueTask<bool> IsEmptyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0)
        {
            return true;
        }

        PipeReader body = request.BodyReader;
        var first = await body.ReadAsync(cancellationToken);
        var empty = first.Buffer.IsEmpty && first.IsCompleted;
        body.AdvanceTo(first.Buffer.Start);
        return empty;
    }
}
