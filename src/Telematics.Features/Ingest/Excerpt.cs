using System.Text;

namespace Telematics.Features.Ingest;

/// <summary>Bounded, printable excerpts of raw record bytes for error messages and reports.</summary>
internal static class Excerpt
{
    /// <summary>The start of <paramref name="raw"/> as text, control characters shown as '·'.</summary>
    /// <param name="raw">The bytes.</param>
    /// <param name="encoding">The input's encoding (a CSV mapping's); <see langword="null"/> for UTF-8.</param>
    public static string Of(ReadOnlySpan<byte> raw, Encoding? encoding = null)
    {
        // Four bytes per character at most, so this many bytes always covers the excerpt length.
        var bytes = raw.Length > IngestReport.MaxExcerptLength * 4 ? raw[..(IngestReport.MaxExcerptLength * 4)] : raw;
        var text = (encoding ?? Encoding.UTF8).GetString(bytes);
        if (text.Length > IngestReport.MaxExcerptLength)
        {
            text = text[..IngestReport.MaxExcerptLength];
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '\u00B7' : source[i];
            }
        });
    }
}
