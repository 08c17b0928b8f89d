using System.Text;
using Telematics.Features.Ingest.Csv;
using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Tests.Ingest.Text;

public sealed class Utf8TokenSetTests
{
    private static Utf8TokenSet<bool> YesNo(Func<string, byte[]> encode) =>
        new([KeyValuePair.Create("Sim", true), KeyValuePair.Create("Não", false)], ignoreCase: true, encode);

    [Theory]
    [InlineData("Não", true)]
    [InlineData("não", true)]
    [InlineData("NãO", true)]
    [InlineData("NÃO", false)] // Ã is not an ASCII letter: only ASCII letters fold
    [InlineData("Nao", false)]
    public void Ascii_letters_fold_around_accented_bytes_in_utf8_and_windows_1252(string cell, bool matches)
    {
        var utf8 = YesNo(Encoding.UTF8.GetBytes);
        var ansi = YesNo(token => CsvText.Encode(CsvEncoding.Windows1252, token, "phone_handheld"));

        Assert.Equal(matches, utf8.TryMatch(Encoding.UTF8.GetBytes(cell), out var a) && !a);
        Assert.Equal(matches, ansi.TryMatch(Encoding.Latin1.GetBytes(cell), out var b) && !b);
    }
}
