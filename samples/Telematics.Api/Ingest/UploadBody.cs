using System.IO.Pipelines;
using Microsoft.Net.Http.Headers;

namespace Telematics.Api.Ingest;

/// <summary>Checks on an upload's body before any record is read: its media type and charset, and that it is not empty.</summary>
internal static class UploadBody
{
    /// <summary>
    /// The body's media type when it is one of <paramref name="supported"/> in UTF-8 (no charset, <c>utf-8</c> or its
    /// subset <c>us-ascii</c>); otherwise null and why, for a 415. A missing Content-Type is refused, not guessed.
    /// </summary>
    public static string? MediaType(string? contentType, IReadOnlyList<string> supported, out string problem)
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
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            problem = "Only UTF-8 bodies are read; send the body in UTF-8 with charset=utf-8 or no charset.";
            return null;
        }

        return mediaType.ToLowerInvariant();
    }

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
