using System.Globalization;
using Telematics.Features.Schema;

namespace Telematics.Api.Insights;

/// <summary>
/// The rules of <c>GET /drivers/{driverId}/alerts</c>: notable driving over recent trips. Each rule compares one
/// period value with a threshold; at twice the threshold the alert is <c>critical</c>, else <c>warning</c>.
/// </summary>
/// <remarks>
/// The thresholds are review prompts for a person, not actuarial cut-offs; each comment says where it comes from.
/// No alert is raised on less than <see cref="MinimumDistanceKm"/> of driving: rates over a few km are noise.
/// </remarks>
internal static class DriverAlertRules
{
    /// <summary>Least distance in the period before any rule applies, km.</summary>
    public const double MinimumDistanceKm = 20;

    /// <summary>The rules, in the order alerts are listed.</summary>
    public static readonly IReadOnlyList<AlertRule> All =
    [
        // Event rates per 100 km: the SDK's event definitions (±3.4 m/s² / 3.9 m/s² sustained 0.5 s) are rare in calm
        // driving, so several per 100 km is a habit. 4 is a demo default, not calibrated against claims data.
        new("harsh-braking", TelematicsFeatures.HarshBrakingPer100Km, 4, "harsh braking events per 100 km"),
        new("rapid-acceleration", TelematicsFeatures.RapidAccelerationPer100Km, 4, "rapid acceleration events per 100 km"),
        new("harsh-cornering", TelematicsFeatures.HarshCorneringPer100Km, 4, "harsh cornering events per 100 km"),

        // Phone handling: 1 minute per driving hour is already a sustained habit (one handling spell every trip).
        new("phone-use", TelematicsFeatures.PhoneMinutesPerHour, 1, "minutes of phone handling per driving hour"),

        // Speeding: time over the limit by the DESIGN.md tolerance (15/20 km/h); 5 % of driving time is a habit, not a slip.
        new("speeding", TelematicsFeatures.SpeedingShare, 0.05, "share of driving time over the speed limit by more than the tolerance"),

        // Limit + 30 km/h: any sustained share is notable; 0.5 % is about 18 s per hour.
        new("severe-speeding", TelematicsFeatures.SevereSpeedingShare, 0.005, "share of driving time over the speed limit by 30 km/h or more"),

        // 00:00–04:00 driving carries the highest crash rate per km; a fifth of the km there is a pattern worth a look.
        new("late-night-driving", TelematicsFeatures.LateNightShare, 0.2, "share of distance driven 00:00–04:00 local time"),
    ];

    /// <summary>The alerts raised by the period's distance-weighted feature means.</summary>
    /// <param name="means">telematics@1 means over the period (NaN = no value).</param>
    /// <param name="distanceKm">Distance in the period, km.</param>
    public static IReadOnlyList<DriverAlert> Evaluate(ReadOnlySpan<float> means, double distanceKm)
    {
        var alerts = new List<DriverAlert>();
        if (distanceKm < MinimumDistanceKm)
        {
            return alerts;
        }

        foreach (var rule in All)
        {
            var value = means[TelematicsFeatures.Schema.IndexOf(rule.Feature)];
            if (float.IsFinite(value) && value >= rule.Threshold)
            {
                alerts.Add(new DriverAlert(
                    rule.Code,
                    value >= 2 * rule.Threshold ? "critical" : "warning",
                    rule.Feature,
                    Math.Round(value, 4),
                    rule.Threshold,
                    string.Create(CultureInfo.InvariantCulture, $"{rule.Description}: {value:0.###} (threshold {rule.Threshold:0.###}).")));
            }
        }

        return alerts;
    }
}

/// <summary>One alert rule.</summary>
/// <param name="Code">Stable code of the alert.</param>
/// <param name="Feature">The telematics@1 feature it reads.</param>
/// <param name="Threshold">Value at or above which it fires, in the feature's unit.</param>
/// <param name="Description">What the value measures.</param>
internal sealed record AlertRule(string Code, string Feature, double Threshold, string Description);

/// <summary>One alert of <c>GET /drivers/{driverId}/alerts</c>.</summary>
/// <param name="Code">Stable code (e.g. <c>harsh-braking</c>).</param>
/// <param name="Severity"><c>warning</c>, or <c>critical</c> at twice the threshold or more.</param>
/// <param name="Feature">The feature the rule reads.</param>
/// <param name="Value">The driver's value over the period.</param>
/// <param name="Threshold">The rule's threshold.</param>
/// <param name="Message">The alert in words.</param>
internal sealed record DriverAlert(string Code, string Severity, string Feature, double Value, double Threshold, string Message);

/// <summary>The answer of <c>GET /drivers/{driverId}/alerts</c>.</summary>
/// <param name="From">Inclusive start of the period.</param>
/// <param name="To">Exclusive end of the period.</param>
/// <param name="DistanceKm">Distance in the period, km; below 20 km no alert is raised.</param>
/// <param name="Alerts">The alerts, in rule order; empty when none fires.</param>
internal sealed record AlertsResponse(DateTimeOffset From, DateTimeOffset To, double DistanceKm, IReadOnlyList<DriverAlert> Alerts);
