using System.Text.Json.Serialization;

namespace Telematics.Features.Ingest.Csv;

/// <summary>The character encoding of a CSV file's bytes (<see cref="CsvColumnMapping.Encoding"/>).</summary>
/// <remarks>
/// Numbers, separators and quotes are ASCII in all three, so only text compared with the mapping's own strings (header
/// names, missing values, road classes, flag values) and the text shown in errors and warnings depend on it.
/// </remarks>
public enum CsvEncoding
{
    /// <summary>UTF-8, with or without a byte order mark.</summary>
    [JsonStringEnumMemberName("utf-8")]
    Utf8 = 0,

    /// <summary>ISO-8859-1: each byte is the character of the same number (0x80–0x9F are control characters).</summary>
    [JsonStringEnumMemberName("latin1")]
    Latin1,

    /// <summary>
    /// Windows-1252 ("ANSI" of Excel on Western European and Brazilian Windows): Latin-1 but for 0x80–0x9F, which hold
    /// printable characters such as <c>€</c>, <c>–</c> and curly quotes.
    /// </summary>
    [JsonStringEnumMemberName("windows-1252")]
    Windows1252,
}
