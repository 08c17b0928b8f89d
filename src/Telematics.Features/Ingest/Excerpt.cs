using System.Text;

namespace Telematics.Features.Ingest;

/// <summary>Bounded, printable excerpts of raw record bytes for error messages and reports.</summary>
internal static class Excerpt
{
    public static string Of(ReadOnlySpan<byte> raw)
    {
        // Four bytes per character at most, so this many bytes always covers the excerpt length.
        var bytes = raw.Length > IngestReport.MaxExcerptLength * 4 ? raw[..(IngestReport.MaxExcerptLength * 4)] : raw;
        var text = Encoding.UTF8.GetString(bytes);
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
