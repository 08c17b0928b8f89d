using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Telematics.Cli;

/// <summary>
/// Holds number and date options to one form. System.CommandLine parses them leniently: <c>--score 1,5</c> was read as
/// 15 (the comma taken for a thousands separator) and <c>--period-end 01/03/2026</c> as 3 January, both without a word.
/// A number is written with <c>.</c> as the decimal point and no separators, a whole number in digits, a date as
/// <c>YYYY-MM-DD</c>; anything else is a usage error naming the option in our words.
/// </summary>
internal static class StrictValues
{
    /// <summary>Adds the checks to every number and date option of <paramref name="command"/> and its subcommands.</summary>
    public static void Apply(Command command)
    {
        foreach (var option in command.Options)
        {
            var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
            if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            {
                option.Validators.Add(result => Check(result, IsPlainNumber, "a number with '.' as the decimal point and no separators, e.g. 1.5"));
            }
            else if (type == typeof(int) || type == typeof(long) || type == typeof(short))
            {
                // System.CommandLine's own message names the CLR type ("as expected type 'System.Int32'").
                option.Validators.Add(result => Check(result, IsWholeNumber, "a whole number, e.g. 30"));
            }
            else if (type == typeof(ulong) || type == typeof(uint))
            {
                option.Validators.Add(result => Check(result, IsNaturalNumber, "a whole number of 0 or more, e.g. 20261128"));
            }
            else if (type == typeof(DateOnly))
            {
                option.Validators.Add(result => Check(result, IsIsoDate, "a date as YYYY-MM-DD, e.g. 2026-03-01"));
            }
        }

        foreach (var subcommand in command.Subcommands)
        {
            Apply(subcommand);
        }
    }

    private static void Check(OptionResult result, Func<string, bool> valid, string form)
    {
        foreach (var token in result.Tokens)
        {
            if (!valid(token.Value))
            {
                result.AddError($"{result.Option.Name}: '{token.Value}' is not {form}.");
                return;
            }
        }
    }

    private static bool IsPlainNumber(string text) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _);

    private static bool IsWholeNumber(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    private static bool IsNaturalNumber(string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static bool IsIsoDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
