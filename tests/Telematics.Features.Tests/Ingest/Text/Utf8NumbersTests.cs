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

    [Fact]
    public void Long_decimals_next_to_float_midpoints_parse_to_the_framework_parsers_float()
    {
        // The float-through-double path is only right if no decimal it takes rounds onto a float midpoint it is not:
        // the decimals tried here are the nearest ones (up to 11 fraction digits) to midpoints between adjacent floats.
        var random = new Random(20261205);
        var mismatches = new List<string>();
        Span<byte> buffer = stackalloc byte[40];
        for (var i = 0; i < 300_000 && mismatches.Count < 5; i++)
        {
            var below = (float)(random.NextDouble() * Math.Pow(10, random.Next(-4, 7)));
            var midpoint = ((double)below + MathF.BitIncrement(below)) / 2;
            var digits = random.Next(0, 12);
            var text = Math.Round(midpoint, digits, random.Next(2) == 0 ? MidpointRounding.ToZero : MidpointRounding.AwayFromZero)
                .ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var length = Encoding.ASCII.GetBytes(text, buffer);
            if (!Utf8Numbers.TryParseSingle(buffer[..length], false, out var actual)
                || BitConverter.SingleToInt32Bits(actual) != BitConverter.SingleToInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)))
            {
                mismatches.Add(text);
            }
        }

        Assert.Empty(mismatches);
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
