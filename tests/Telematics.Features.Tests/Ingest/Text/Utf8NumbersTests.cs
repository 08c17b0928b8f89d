using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Features.Ingest.Text;

namespace Telematics.Features.Tests.Ingest.Text;

public sealed class Utf8NumbersTests
{
    [Property(MaxTest = 500)]
    public Property Plain_decimals_parse_to_the_same_double_and_float_as_the_framework_parser(long integer, PositiveInt fraction, byte decimals, bool comma)
    {
        var digits = decimals % 12;
        var text = digits == 0
            ? integer.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{integer % 100_000_000}.{(fraction.Get % (long)Math.Pow(10, digits)).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')}");
        var expectedDouble = double.Parse(text, CultureInfo.InvariantCulture);
        var expectedSingle = float.Parse(text, CultureInfo.InvariantCulture);
        var bytes = Encoding.ASCII.GetBytes(comma ? text.Replace('.', ',') : text);

        var okDouble = Utf8Numbers.TryParseDouble(bytes, comma, out var actualDouble);
        var okSingle = Utf8Numbers.TryParseSingle(bytes, comma, out var actualSingle);

        return (okDouble && okSingle
                && BitConverter.DoubleToInt64Bits(expectedDouble) == BitConverter.DoubleToInt64Bits(actualDouble)
                && BitConverter.SingleToInt32Bits(expectedSingle) == BitConverter.SingleToInt32Bits(actualSingle))
            .Label($"{text}: {actualDouble:R} / {actualSingle:R}");
    }

    [Theory]
    [InlineData("-0", true)]
    [InlineData("5.", true)]
    [InlineData(".5", true)]
    [InlineData("1e3", true)]
    [InlineData("-", false)]
    [InlineData(".", false)]
    [InlineData("1.2.3", false)]
    [InlineData("12a", false)]
    public void Text_the_fast_path_declines_goes_to_the_framework_parser(string text, bool valid)
    {
        Assert.Equal(valid, Utf8Numbers.TryParseDouble(Encoding.ASCII.GetBytes(text), decimalComma: false, out var value));
        if (valid)
        {
            Assert.Equal(double.Parse(text, CultureInfo.InvariantCulture), value);
        }
    }
}
