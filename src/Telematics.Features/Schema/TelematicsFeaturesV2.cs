namespace Telematics.Features.Schema;

/// <summary>
/// The window-invariant feature schema (<c>telematics</c> v2): <see cref="TelematicsFeatures"/> with the three period
/// totals replaced by rates per unit of observed time, so that a driver's vector over 7, 30 or 90 days of the same
/// driving is the same (up to sampling noise), and a model trained on one window scores another correctly.
/// </summary>
/// <remarks>
/// v2 is derived from a v1 vector and the length of the window the driver was observed over
/// (<see cref="FromV1"/>): positions 0–2 become <see cref="AnnualKm"/>, <see cref="DrivingHoursPerWeek"/> and
/// <see cref="TripsPerWeek"/>; positions 3–28 are the v1 features unchanged (already shares, means, rates or
/// quantiles). Stored data stays v1, and packages trained on v1 still load.
/// </remarks>
public static class TelematicsFeaturesV2
{
    /// <summary>Schema version.</summary>
    public const int SchemaVersion = 2;

    /// <summary>Days in a year, for annualising.</summary>
    public const double DaysPerYear = 365.25;

    /// <summary>Distance driven per year, km: the window's distance scaled to 365.25 days.</summary>
    public const string AnnualKm = "annual_km";

    /// <summary>Hours driven per week.</summary>
    public const string DrivingHoursPerWeek = "driving_hours_per_week";

    /// <summary>Trips per week.</summary>
    public const string TripsPerWeek = "trips_per_week";

    /// <summary>The schema, in vector order: the same length and, from position 3, the same features as v1.</summary>
    public static FeatureSchema Schema { get; } = Build();

    /// <summary>Whether <paramref name="schema"/> is this schema (by name and version).</summary>
    public static bool Is(FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Name == TelematicsFeatures.SchemaName && schema.Version == SchemaVersion;
    }

    /// <summary>Writes the v2 vector of a driver observed for <paramref name="observedDays"/> days.</summary>
    /// <param name="v1">The driver's <see cref="TelematicsFeatures.Schema"/> vector over the window.</param>
    /// <param name="observedDays">
    /// Length of the window the driver was observed over, days (the period asked for, from the driver's first data if
    /// that came later; not only the days with trips, since days without driving are part of the exposure).
    /// </param>
    /// <param name="v2">Receives the v2 vector; may be the same memory as <paramref name="v1"/>.</param>
    /// <exception cref="ArgumentException">A vector has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="observedDays"/> is not a finite number of days of at least one hour.</exception>
    public static void FromV1(ReadOnlySpan<float> v1, double observedDays, Span<float> v2)
    {
        var count = TelematicsFeatures.Schema.Count;
        if (v1.Length != count)
        {
            throw new ArgumentException($"A {TelematicsFeatures.Schema} vector has {count} values, not {v1.Length}.", nameof(v1));
        }

        if (v2.Length != count)
        {
            throw new ArgumentException($"A {Schema} vector has {count} values, not {v2.Length}.", nameof(v2));
        }

        if (!double.IsFinite(observedDays) || observedDays < 1.0 / 24)
        {
            throw new ArgumentOutOfRangeException(nameof(observedDays), observedDays, "The observation window must be a finite number of days, at least one hour.");
        }

        var distanceKm = v1[0];
        var hours = v1[1];
        var trips = v1[2];
        v1.CopyTo(v2); // a move: the same memory is fine

        v2[0] = (float)(distanceKm * (DaysPerYear / observedDays));
        v2[1] = (float)(hours * (7.0 / observedDays));
        v2[2] = (float)(trips * (7.0 / observedDays));
    }

    private static FeatureSchema Build()
    {
        var v1 = TelematicsFeatures.Schema.Features;
        var features = new FeatureDefinition[v1.Length];
        features[0] = new(AnnualKm, "km/year", "Distance driven per year (the window's distance scaled to 365.25 days).");
        features[1] = new(DrivingHoursPerWeek, "h/week", "Hours driven per week of the window.");
        features[2] = new(TripsPerWeek, "count/week", "Trips per week of the window.");
        for (var i = 3; i < v1.Length; i++)
        {
            features[i] = v1[i];
        }

        return new FeatureSchema(TelematicsFeatures.SchemaName, SchemaVersion, features);
    }
}
