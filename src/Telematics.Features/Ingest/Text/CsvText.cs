using System.Text;
using System.Text.Unicode;
using Telematics.Features.Ingest.Csv;

namespace Telematics.Features.Ingest.Text;

/// <summary>The <see cref="Encoding"/> of a <see cref="CsvEncoding"/>, and the strict encoding of a mapping's strings into it.</summary>
internal static class CsvText
{
    /// <summary>What a warning or error adds when text that the mapping compares is not valid UTF-8.</summary>
    public const string NotUtf8Hint =
        "not valid UTF-8: if the file was saved as Windows-1252 or Latin-1 (Excel's \"CSV\" on Windows), set \"encoding\": \"windows-1252\" (or \"latin1\") in the mapping";

    public static Encoding For(CsvEncoding encoding) => encoding switch
    {
        CsvEncoding.Utf8 => Encoding.UTF8,
        CsvEncoding.Latin1 => Encoding.Latin1,
        CsvEncoding.Windows1252 => Windows1252Encoding.Instance,
        _ => throw new ArgumentException($"Unknown encoding {encoding}.", nameof(encoding)),
    };

    /// <summary>The name the mapping's JSON gives the encoding.</summary>
    public static string JsonName(CsvEncoding encoding) => encoding switch
    {
        CsvEncoding.Latin1 => "latin1",
        CsvEncoding.Windows1252 => "windows-1252",
        _ => "utf-8",
    };

    /// <summary>The bytes of <paramref name="text"/> in <paramref name="encoding"/>; throws, naming the mapping's field and the text, when it has a character the encoding cannot hold.</summary>
    /// <exception cref="ArgumentException">The text does not survive the round trip (the encoder put '?' or U+FFFD for a character).</exception>
    public static byte[] Encode(CsvEncoding encoding, string text, string field)
    {
        var codec = For(encoding);
        var bytes = codec.GetBytes(text);

        // Checked here: a text the file cannot hold would never match, and each record would be warned or refused instead.
        return string.Equals(codec.GetString(bytes), text, StringComparison.Ordinal)
            ? bytes
            : throw new ArgumentException($"'{text}' in {field} has a character that {JsonName(encoding)} cannot hold, so no text of the file can match it.", "mapping");
    }

    /// <summary>Whether the bytes, read as UTF-8, are not valid (only asked on paths that already report something).</summary>
    public static bool IsInvalidUtf8(ReadOnlySpan<byte> bytes) => !Utf8.IsValid(bytes);
}
