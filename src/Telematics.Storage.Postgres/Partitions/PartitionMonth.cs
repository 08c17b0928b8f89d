using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Telematics.Storage.Postgres.Partitions;

/// <summary>One UTC calendar month of <c>telematics_events</c>, and the name of its partition.</summary>
/// <remarks>
/// Partition names are only ever produced from a validated year and month and parsed back through
/// <see cref="TryParseName"/>'s strict pattern, so no SQL identifier comes from unvalidated text.
/// Years are limited to 2000–2199: samples outside that span belong in the DEFAULT partition.
/// </remarks>
public readonly partial record struct PartitionMonth : IComparable<PartitionMonth>
{
    /// <summary>Name of the partitioned table.</summary>
    public const string TableName = "telematics_events";

    /// <summary>Name of the DEFAULT partition.</summary>
    public const string DefaultPartitionName = "telematics_events_default";

    /// <summary>First year a monthly partition may be made for.</summary>
    public const int MinYear = 2000;

    /// <summary>Last year a monthly partition may be made for.</summary>
    public const int MaxYear = 2199;

    /// <summary>Creates a month.</summary>
    /// <param name="year">Year, 2000–2199.</param>
    /// <param name="month">Month, 1–12.</param>
    /// <exception cref="ArgumentOutOfRangeException">The year or month is outside its range.</exception>
    public PartitionMonth(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, MinYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, MaxYear);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    /// <summary>Year, 2000–2199.</summary>
    public int Year { get; }

    /// <summary>Month, 1–12.</summary>
    public int Month { get; }

    /// <summary>Partition table name, <c>telematics_events_YYYY_MM</c>.</summary>
    public string PartitionName => string.Create(CultureInfo.InvariantCulture, $"{TableName}_{Year:D4}_{Month:D2}");

    /// <summary>Inclusive start of the month, 00:00 UTC on the 1st.</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Exclusive end of the month (start of the next).</summary>
    public DateTimeOffset End => Start.AddMonths(1);

    /// <summary>The month <paramref name="months"/> later (earlier when negative).</summary>
    /// <param name="months">Months to add.</param>
    /// <returns>The shifted month.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The result is outside 2000–2199.</exception>
    public PartitionMonth AddMonths(int months)
    {
        var index = (Year * 12) + (Month - 1) + months;
        return new PartitionMonth(index / 12, (index % 12) + 1);
    }

    /// <summary>The month holding a UTC instant, when it is within 2000–2199.</summary>
    /// <param name="unixMs">Milliseconds since the Unix epoch.</param>
    /// <param name="month">The month.</param>
    /// <returns><see langword="false"/> when the instant is outside the supported years.</returns>
    public static bool TryFromUnixMs(long unixMs, out PartitionMonth month)
    {
        // 946684800000 = 2000-01-01, 7258118400000 = 2200-01-01 (UTC).
        if (unixMs < 946_684_800_000L || unixMs >= 7_258_118_400_000L)
        {
            month = default;
            return false;
        }

        var date = DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
        month = new PartitionMonth(date.Year, date.Month);
        return true;
    }

    /// <summary>The month holding <paramref name="instant"/> (converted to UTC).</summary>
    /// <param name="instant">Any instant within 2000–2199.</param>
    /// <returns>The month.</returns>
    public static PartitionMonth From(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new PartitionMonth(utc.Year, utc.Month);
    }

    /// <summary>Parses a month written <c>YYYY-MM</c> (as typed on the command line).</summary>
    /// <param name="text">The text.</param>
    /// <param name="month">The month.</param>
    /// <returns><see langword="false"/> unless the text is exactly <c>YYYY-MM</c> within 2000–2199.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out PartitionMonth month) =>
        TryMatch(text is null ? null : MonthPattern().Match(text), out month);

    /// <summary>Parses a partition name <c>telematics_events_YYYY_MM</c>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="month">The month.</param>
    /// <returns><see langword="false"/> unless the name matches the pattern exactly.</returns>
    public static bool TryParseName([NotNullWhen(true)] string? name, out PartitionMonth month) =>
        TryMatch(name is null ? null : NamePattern().Match(name), out month);

    /// <inheritdoc />
    public int CompareTo(PartitionMonth other) => ((Year * 12) + Month).CompareTo((other.Year * 12) + other.Month);

    /// <summary>The month as <c>YYYY-MM</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}");

    /// <summary>Whether <paramref name="left"/> is earlier than <paramref name="right"/>.</summary>
    /// <param name="left">A month.</param>
    /// <param name="right">Another month.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(PartitionMonth left, PartitionMonth right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is later than <paramref name="right"/>.</summary>
    /// <param name="left">A month.</param>
    /// <param name="right">Another month.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(PartitionMonth left, PartitionMonth right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is not later than <paramref name="right"/>.</summary>
    /// <param name="left">A month.</param>
    /// <param name="right">Another month.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(PartitionMonth left, PartitionMonth right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is not earlier than <paramref name="right"/>.</summary>
    /// <param name="left">A month.</param>
    /// <param name="right">Another month.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(PartitionMonth left, PartitionMonth right) => left.CompareTo(right) >= 0;

    private static bool TryMatch(Match? match, out PartitionMonth month)
    {
        month = default;
        if (match is null || !match.Success)
        {
            return false;
        }

        var year = int.Parse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var monthNumber = int.Parse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        if (year is < MinYear or > MaxYear)
        {
            return false;
        }

        month = new PartitionMonth(year, monthNumber);
        return true;
    }

    [GeneratedRegex(@"\A(2[01][0-9]{2})-(0[1-9]|1[0-2])\z", RegexOptions.CultureInvariant)]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"\Atelematics_events_(2[01][0-9]{2})_(0[1-9]|1[0-2])\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
