using System.ComponentModel.DataAnnotations;

namespace Telematics.Training.Synthetic;

/// <summary>Settings of a synthetic population; the same settings and seed always give the same population.</summary>
public sealed class SyntheticPopulationOptions
{
    /// <summary>Seed of every random draw.</summary>
    /// <value>Default 20261128.</value>
    public ulong Seed { get; set; } = 20261128;

    /// <summary>Number of drivers.</summary>
    /// <value>Default 1,000.</value>
    [Range(1, 10_000_000)]
    public int DriverCount { get; set; } = 1_000;

    /// <summary>Days of driving simulated per driver.</summary>
    /// <value>Default 14.</value>
    [Range(1, 366)]
    public int PeriodDays { get; set; } = 14;

    /// <summary>
    /// Shortest window a driver is observed over, days; each driver's window is drawn uniformly from this to
    /// <see cref="PeriodDays"/>, so that a window-invariant model learns from short and long windows alike.
    /// </summary>
    /// <value>Default null: every driver is observed for <see cref="PeriodDays"/>.</value>
    [Range(1, 366)]
    public int? MinPeriodDays { get; set; }

    /// <summary>Smallest exposure of a driver, years; each driver's exposure is drawn uniformly from this to <see cref="ExposureYears"/>.</summary>
    /// <value>Default null: every driver has <see cref="ExposureYears"/>.</value>
    [Range(0.01, 50)]
    public double? MinExposureYears { get; set; }

    /// <summary>First local day of the simulated period.</summary>
    /// <value>Default 2026-03-16 (a Monday; the period crosses the US DST change of 2026-03-08 only if moved earlier).</value>
    public DateOnly StartDate { get; set; } = new(2026, 3, 16);

    /// <summary>IANA time zone of every driver's local time.</summary>
    /// <value>Default <c>America/Chicago</c>, since the calibration figures are US ones.</value>
    public string TimeZoneId { get; set; } = "America/Chicago";

    /// <summary>Years over which claims are drawn from the true frequency.</summary>
    /// <value>Default 1.</value>
    [Range(0.01, 50)]
    public double ExposureYears { get; set; } = 1.0;

    /// <summary>Standard deviation of GPS position noise, metres.</summary>
    /// <value>Default 3 m: typical open-sky smartphone GPS error.</value>
    [Range(0, 100)]
    public double GpsNoiseM { get; set; } = 3.0;

    /// <summary>Probability per driving minute that a GPS gap (5–60 s without fixes) starts.</summary>
    /// <value>Default 0.01.</value>
    [Range(0, 1)]
    public double GpsGapPerMinute { get; set; } = 0.01;

    /// <summary>
    /// A copy in which every driver is observed exactly <paramref name="days"/> days with the full exposure (no drawn
    /// window or exposure): the same drivers, seed for seed, as the first days of a longer simulation.
    /// </summary>
    internal SyntheticPopulationOptions ObservedFor(int days)
    {
        var copy = (SyntheticPopulationOptions)MemberwiseClone();
        copy.PeriodDays = days;
        copy.MinPeriodDays = null;
        copy.MinExposureYears = null;
        return copy;
    }

    /// <summary>Throws <see cref="ValidationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (MinPeriodDays > PeriodDays)
        {
            throw new ValidationException($"MinPeriodDays {MinPeriodDays} must not exceed PeriodDays {PeriodDays}.");
        }

        if (MinExposureYears > ExposureYears)
        {
            throw new ValidationException($"MinExposureYears {MinExposureYears} must not exceed ExposureYears {ExposureYears}.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZoneId, out _))
        {
            throw new ValidationException($"TimeZoneId '{TimeZoneId}' is not a time zone known to this system.");
        }
    }
}
