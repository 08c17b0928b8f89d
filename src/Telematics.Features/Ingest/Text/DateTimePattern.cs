namespace Telematics.Features.Ingest.Text;

/// <summary>
/// A date and/or time layout such as <c>d/M/yyyy</c> or <c>HH:mm:ss.fff</c>, matched against UTF-8 bytes without
/// allocating. Letters: <c>d</c>/<c>dd</c> day, <c>M</c>/<c>MM</c> month, <c>yyyy</c> year, <c>H</c>/<c>HH</c>
/// hour 0–23, <c>m</c>/<c>mm</c> minute, <c>s</c>/<c>ss</c> second, <c>f</c>… fraction (as many digits as
/// letters); one letter accepts one or two digits. Two letters accept one or two digits too when no other number
/// touches them (a literal or the pattern's start before, a literal or its end after): <c>HH:mm:ss</c> reads Excel's
/// <c>9:47:53</c>, as the separators delimit each number. Beside another number (<c>HHmmss</c>) only the width splits
/// them, so there they need exactly two. Any other character must match itself.
/// </summary>
internal sealed class DateTimePattern
{
    private readonly Token[] _tokens;

    private DateTimePattern(string text, Token[] tokens)
    {
        Text = text;
        _tokens = tokens;
    }

    public string Text { get; }

    public static DateTimePattern Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var tokens = new List<Token>();
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            var run = 1;
            while (i + run < pattern.Length && pattern[i + run] == c)
            {
                run++;
            }

            switch (c)
            {
                case 'd': tokens.Add(Numeric(Part.Day, run, pattern)); break;
                case 'M': tokens.Add(Numeric(Part.Month, run, pattern)); break;
                case 'H': tokens.Add(Numeric(Part.Hour, run, pattern)); break;
                case 'm': tokens.Add(Numeric(Part.Minute, run, pattern)); break;
                case 's': tokens.Add(Numeric(Part.Second, run, pattern)); break;
                case 'y' when run == 4: tokens.Add(new Token(Part.Year, 4, 4, 0)); break;
                case 'f' when run <= 7: tokens.Add(new Token(Part.Fraction, run, run, 0)); break;
                case 'y' or 'f' or 'h' or 't' or 'z' or 'K':
                    throw new ArgumentException($"Unsupported element '{new string(c, run)}' in date/time pattern '{pattern}'.", nameof(pattern));
                default:
                    if (c > 127)
                    {
                        throw new ArgumentException($"Only ASCII literals are allowed in date/time pattern '{pattern}'.", nameof(pattern));
                    }

                    for (var k = 0; k < run; k++)
                    {
                        tokens.Add(new Token(Part.Literal, 1, 1, (byte)c));
                    }

                    break;
            }

            i += run;
        }

        for (var t = 0; t < tokens.Count; t++)
        {
            // A two-letter number delimited on both sides may have one digit; see the class summary.
            if (tokens[t] is { Part: not (Part.Literal or Part.Year or Part.Fraction), MinDigits: 2 } token
                && (t == 0 || tokens[t - 1].Part == Part.Literal)
                && (t + 1 == tokens.Count || tokens[t + 1].Part == Part.Literal))
            {
                tokens[t] = token with { MinDigits = 1 };
            }
        }

        return new DateTimePattern(pattern, [.. tokens]);
    }

    public bool TryParse(ReadOnlySpan<byte> text, ref DateTimeParts parts)
    {
        var pos = 0;
        foreach (var token in _tokens)
        {
            if (token.Part == Part.Literal)
            {
                if (pos >= text.Length || text[pos] != token.Literal)
                {
                    return false;
                }

                pos++;
                continue;
            }

            var value = 0;
            var digits = 0;
            while (digits < token.MaxDigits && pos < text.Length && (uint)(text[pos] - '0') <= 9)
            {
                value = (value * 10) + (text[pos] - '0');
                pos++;
                digits++;
            }

            if (digits < token.MinDigits)
            {
                return false;
            }

            switch (token.Part)
            {
                case Part.Year: parts.Year = value; break;
                case Part.Month: parts.Month = value; break;
                case Part.Day: parts.Day = value; break;
                case Part.Hour: parts.Hour = value; break;
                case Part.Minute: parts.Minute = value; break;
                case Part.Second: parts.Second = value; break;
                case Part.Fraction: parts.FractionTicks = value * Pow10(7 - digits); break;
            }
        }

        return pos == text.Length;
    }

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static Token Numeric(Part part, int run, string pattern) => run switch
    {
        1 => new Token(part, 1, 2, 0),
        2 => new Token(part, 2, 2, 0),
        _ => throw new ArgumentException($"Too many letters in '{new string(pattern[0], run)}' of date/time pattern '{pattern}'.", nameof(pattern)),
    };

    private enum Part : byte
    {
        Literal,
        Year,
        Month,
        Day,
        Hour,
        Minute,
        Second,
        Fraction,
    }

    private readonly record struct Token(Part Part, int MinDigits, int MaxDigits, byte Literal);
}
