using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Telematics.Api.Problems;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The one period parser of the API: whole UTC days <c>from</c>–<c>to</c>, both included, as every endpoint with a
/// <c>from</c>/<c>to</c> day query takes them (dashboards, experiment metrics, driver trips, statistics and alerts). The
/// instants covered are [<see cref="Start"/>, <see cref="End"/>) = [from 00:00, to + 1 day 00:00). Whole days keep cache
/// keys stable while a day lasts.
/// </summary>
/// <param name="From">The first day.</param>
/// <param name="To">The last day, included.</param>
internal readonly record struct DayPeriod(DateOnly From, DateOnly To)
{
    /// <summary>Days a period spans when the caller gives no <c>from</c>.</summary>
    public const int DefaultDays = 30;

    /// <summary>The longest period accepted, in days (a leap year).</summary>
    public const int MaxDays = 366;

    /// <summary>
    /// The earliest day a period may name: events before 2000 are refused at ingest (the plausible window), so no
    /// stored data is older, and a bound keeps the day arithmetic far from <see cref="DateOnly.MinValue"/>.
    /// </summary>
    public static readonly DateOnly EarliestDay = new(2000, 1, 1);

    /// <summary>The latest day a period may name; far enough ahead for any real query, far from <see cref="DateOnly.MaxValue"/>.</summary>
    public static readonly DateOnly LatestDay = new(2100, 12, 31);

    /// <summary>The first instant of the period (UTC midnight of <see cref="From"/>).</summary>
    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The instant after the period (UTC midnight after <see cref="To"/>).</summary>
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Days the period spans, 1 or more for a valid period.</summary>
    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>A key fragment naming the period, e.g. <c>2026-01-01..2026-01-30</c>.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}");

    /// <summary>The <see cref="DefaultDays"/> days ending today (UTC), as a request without <c>from</c> and <c>to</c> gets.</summary>
    public static DayPeriod Default(TimeProvider time)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return new DayPeriod(today.AddDays(1 - DefaultDays), today);
    }

    /// <summary>
    /// Builds the period from the query values: <c>to</c> defaults to today (UTC), <c>from</c> to <see cref="DefaultDays"/>
    /// days ending at <c>to</c>. When invalid (a day outside <see cref="EarliestDay"/>–<see cref="LatestDay"/>, from after
    /// to, or more than <see cref="MaxDays"/> days) adds one error under the field at fault, <c>from</c> or <c>to</c>, whose
    /// message starts with that field's name, and returns false.
    /// </summary>
    public static bool TryCreate(DateOnly? from, DateOnly? to, TimeProvider time, ValidationErrors errors, [NotNullWhen(true)] out DayPeriod period)
    {
        period = default;
        if (!InRange(from, "from", errors) | !InRange(to, "to", errors))
        {
            return false;
        }

        var last = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var first = from ?? last.AddDays(1 - DefaultDays);
        period = new DayPeriod(first, last);
        if (first > last)
        {
            errors.Add("from", string.Create(CultureInfo.InvariantCulture, $"from ({first:yyyy-MM-dd}) must not be after to ({last:yyyy-MM-dd})."));
            return false;
        }

        if (period.Days > MaxDays)
        {
            errors.Add("to", string.Create(
                CultureInfo.InvariantCulture, $"to ({last:yyyy-MM-dd}) makes the period span {period.Days} days; at most {MaxDays} are allowed."));
            return false;
        }

        return true;
    }

    private static bool InRange(DateOnly? day, string field, ValidationErrors errors)
    {
        if (day is not { } value || (value >= EarliestDay && value <= LatestDay))
        {
            return true;
        }

        errors.Add(field, string.Create(
            CultureInfo.InvariantCulture, $"{field} ({value:yyyy-MM-dd}) must be a day from {EarliestDay:yyyy-MM-dd} to {LatestDay:yyyy-MM-dd}."));
        return false;
    }
}
