using System.Diagnostics.CodeAnalysis;
using Telematics.Api.Problems;

namespace Telematics.Api.Administration;

/// <summary>
/// A period of whole UTC days, <c>from</c>–<c>to</c> inclusive, as the dashboard and metrics endpoints take it: the
/// instants are [from 00:00, to + 1 day 00:00). Whole days keep cache keys stable while a day lasts.
/// </summary>
/// <param name="From">The first day.</param>
/// <param name="To">The last day, included.</param>
internal readonly record struct DayPeriod(DateOnly From, DateOnly To)
{
    /// <summary>Days a period spans when the caller gives no <c>from</c>.</summary>
    public const int DefaultDays = 30;

    /// <summary>The longest period accepted, in days.</summary>
    public const int MaxDays = 366;

    /// <summary>The first instant of the period (UTC midnight of <see cref="From"/>).</summary>
    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The instant after the period (UTC midnight after <see cref="To"/>).</summary>
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>A key fragment naming the period, e.g. <c>2026-01-01..2026-01-30</c>.</summary>
    public string Key => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";

    /// <summary>
    /// Builds the period from the query values: <c>to</c> defaults to today (UTC), <c>from</c> to <see cref="DefaultDays"/>
    /// days ending at <c>to</c>. Adds a field error (<c>from</c> or <c>to</c>) and returns false when invalid.
    /// </summary>
    public static bool TryCreate(DateOnly? from, DateOnly? to, TimeProvider time, ValidationErrors errors, [NotNullWhen(true)] out DayPeriod period)
    {
        var last = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var first = from ?? last.AddDays(1 - DefaultDays);
        period = new DayPeriod(first, last);
        if (first > last)
        {
            errors.Add("from", $"from ({first:yyyy-MM-dd}) must not be after to ({last:yyyy-MM-dd}).");
            return false;
        }

        if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            errors.Add("to", $"the period spans {last.DayNumber - first.DayNumber + 1} days; at most {MaxDays} are allowed.");
            return false;
        }

        return true;
    }
}
