using FsCheck.Xunit;
using Telematics.Api.Endpoints;
using Telematics.Api.Problems;

namespace Telematics.Api.Tests.Endpoints;

public sealed class DayPeriodTests
{
    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 3, 15, 22, 30, 0, TimeSpan.Zero));

    [Fact]
    public void Without_bounds_the_period_is_the_thirty_utc_days_ending_today()
    {
        var errors = new ValidationErrors();

        Assert.True(DayPeriod.TryCreate(null, null, Clock, errors, out var period));

        Assert.Equal(new DayPeriod(new DateOnly(2026, 2, 14), new DateOnly(2026, 3, 15)), period);
        Assert.Equal(30, period.Days);
        Assert.Equal(period, DayPeriod.Default(Clock));
        Assert.True(errors.IsEmpty);
    }

    [Fact]
    public void The_last_day_is_included_up_to_the_next_utc_midnight()
    {
        Assert.True(DayPeriod.TryCreate(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), Clock, new ValidationErrors(), out var period));

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), period.Start);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), period.End);
        Assert.Equal("2026-03-01..2026-03-31", period.Key);
    }

    [Fact]
    public void From_after_to_is_an_error_on_from_that_names_both_days()
    {
        var errors = new ValidationErrors();

        Assert.False(DayPeriod.TryCreate(new DateOnly(2026, 4, 2), new DateOnly(2026, 4, 1), Clock, errors, out _));

        var problem = errors.ToProblem().ProblemDetails.Errors;
        Assert.Equal(["from"], problem.Keys);
        Assert.Equal("from (2026-04-02) must not be after to (2026-04-01).", problem["from"].Single());
    }

    [Fact]
    public void A_leap_year_of_days_is_accepted_and_one_day_more_is_an_error_on_to()
    {
        var errors = new ValidationErrors();

        Assert.True(DayPeriod.TryCreate(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31), Clock, errors, out _));
        Assert.False(DayPeriod.TryCreate(new DateOnly(2024, 1, 1), new DateOnly(2025, 1, 1), Clock, errors, out _));

        var problem = errors.ToProblem().ProblemDetails.Errors;
        Assert.Equal(["to"], problem.Keys);
        Assert.Equal("to (2025-01-01) makes the period span 367 days; at most 366 are allowed.", problem["to"].Single());
    }

    [Theory]
    [InlineData("9999-12-31", "9999-12-31", "from")]
    [InlineData(null, "9999-12-31", "to")]
    [InlineData("0001-01-01", null, "from")]
    [InlineData(null, "0001-01-01", "to")]
    [InlineData("1999-12-31", "2000-01-01", "from")]
    [InlineData("2100-12-31", "2101-01-01", "to")]
    public void A_day_outside_2000_to_2100_is_an_error_on_its_field_and_never_throws(string? from, string? to, string field)
    {
        var errors = new ValidationErrors();

        Assert.False(DayPeriod.TryCreate(Day(from), Day(to), Clock, errors, out _));

        var problem = errors.ToProblem().ProblemDetails.Errors;
        Assert.Contains(field, problem.Keys);
        Assert.StartsWith(field + " (", problem[field].Single(), StringComparison.Ordinal);
        Assert.EndsWith("must be a day from 2000-01-01 to 2100-12-31.", problem[field].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_and_last_allowed_days_are_accepted()
    {
        Assert.True(DayPeriod.TryCreate(new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 1), Clock, new ValidationErrors(), out var first));
        Assert.True(DayPeriod.TryCreate(new DateOnly(2100, 12, 31), new DateOnly(2100, 12, 31), Clock, new ValidationErrors(), out var last));

        Assert.Equal(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), first.Start);
        Assert.Equal(new DateTimeOffset(2101, 1, 1, 0, 0, 0, TimeSpan.Zero), last.End);
    }

    private static DateOnly? Day(string? text) =>
        text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Property]
    public bool A_period_is_valid_exactly_when_it_spans_one_to_366_days(int start, int length)
    {
        var from = new DateOnly(2020, 1, 1).AddDays(Math.Abs(start % 3000));
        var to = from.AddDays((length % 800) - 10);
        var errors = new ValidationErrors();

        var valid = DayPeriod.TryCreate(from, to, Clock, errors, out var period);

        var days = to.DayNumber - from.DayNumber + 1;
        return valid == days is >= 1 and <= DayPeriod.MaxDays && valid == errors.IsEmpty && (!valid || period.End - period.Start == TimeSpan.FromDays(days));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
