using System.Text;

namespace Telematics.Features.Ingest.Text;

/// <summary>
/// Code page 1252, which .NET does not ship without System.Text.Encoding.CodePages: Latin-1 with 32 other characters
/// in 0x80–0x9F. Used to encode a mapping's strings once and to decode text shown in messages, never per record.
/// </summary>
internal sealed class Windows1252Encoding : Encoding
{
    public static readonly Windows1252Encoding Instance = new();

    private Windows1252Encoding()
    {
    }

    public override string WebName => "windows-1252";

    public override string EncodingName => "Western European (Windows)";

    public override bool IsSingleByte => true;

    // 0x80–0x9F. The five bytes 1252 leaves unassigned (81 8D 8F 90 9D) decode to the C1 control of the same number,
    // as Windows does, so every byte decodes and every decoded text encodes back to the same bytes.
    private static ReadOnlySpan<char> High =>
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
        + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    public override int GetByteCount(char[] chars, int index, int count) => count;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
    {
        for (var i = 0; i < charCount; i++)
        {
            bytes[byteIndex + i] = Encode(chars[charIndex + i]);
        }

        return charCount;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => count;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        for (var i = 0; i < byteCount; i++)
        {
            var b = bytes[byteIndex + i];
            chars[charIndex + i] = b is >= 0x80 and <= 0x9F ? High[b - 0x80] : (char)b;
        }

        return byteCount;
    }

    public override int GetMaxByteCount(int charCount) => charCount;

    public override int GetMaxCharCount(int byteCount) => byteCount;

    // A character the code page lacks becomes '?', as Latin1 does; CsvText.Encode tells it by the round trip.
    private static byte Encode(char c)
    {
        if (c < 0x80 || c is >= '\u00A0' and <= '\u00FF')
        {
            return (byte)c;
        }

        var high = High.IndexOf(c);
        return high >= 0 ? (byte)(0x80 + high) : (byte)'?';
    }
}
