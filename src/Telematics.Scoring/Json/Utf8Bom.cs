namespace Telematics.Scoring.Json;

/// <summary>
/// The UTF-8 byte order mark (EF BB BF) that .NET's <c>Encoding.UTF8</c>, Windows PowerShell 5.1 and Notepad write at the
/// start of a file. System.Text.Json reads a stream past it but refuses it in a byte span ("'0xEF' is an invalid start
/// of a value"), so every JSON file a user supplies and we read as bytes goes through <see cref="Skip"/> first.
/// </summary>
internal static class Utf8Bom
{
    private static ReadOnlySpan<byte> Preamble => [0xEF, 0xBB, 0xBF];

    /// <summary><paramref name="utf8"/> without a leading byte order mark (unchanged when it has none).</summary>
    public static ReadOnlyMemory<byte> Skip(ReadOnlyMemory<byte> utf8) =>
        utf8.Span.StartsWith(Preamble) ? utf8[Preamble.Length..] : utf8;
}
