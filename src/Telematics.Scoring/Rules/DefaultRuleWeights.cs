using F = Telematics.Features.Schema.TelematicsFeatures;

namespace Telematics.Scoring.Rules;

/// <summary>
/// The weights of the built-in default model: one rule per feature of <see cref="F.Schema"/>, in schema order.
/// </summary>
/// <remarks>
/// Weights are log-odds per unit of the feature; a weight × (cap − reference) of about 1 moves a reference
/// driver from 35 to about 60. They are a transparent starting point built from the published direction and
/// rough size of each effect, not a fitted model: insurers replace them with a trained model package.
/// Exposure (distance, hours, trips) is priced by the premium's mileage factor, not here, so those weights are 0.
/// </remarks>
public static class DefaultRuleWeights
{
    /// <summary>Log-odds of the reference driver: −0.62, so the population's typical driver scores about 35 ("good").</summary>
    public const double Intercept = -0.62;

    /// <summary>The rules in schema order.</summary>
    public static IReadOnlyList<RuleWeight> All { get; } =
    [
        // Exposure belongs to the premium's mileage factor; scoring it twice would double-charge high-mileage drivers.
        new(F.DistanceKm, 0, 800, 1e6),
        new(F.DrivingHours, 0, 20, 1e5),
        new(F.TripCount, 0, 40, 1e5),
        // Many short trips mean more cold starts, junctions and parking: a mild effect, reversed for long trips.
        new(F.MeanTripKm, -0.01, 15, 80),
        // Night km carry about three times the day crash rate per km (fatigue, visibility, alcohol).
        new(F.NightShare, 2.0, 0.06, 0.6),
        // 00–04 is the worst window; weighted on top of night_share, which already includes it.
        new(F.LateNightShare, 2.5, 0.01, 0.4),
        // Congestion raises low-speed collision frequency but not severity.
        new(F.RushHourShare, 0.6, 0.25, 1),
        // Weekend km have more leisure and impaired drivers around; a small effect.
        new(F.WeekendShare, 0.3, 0.25, 1),
        // Speed level itself matters little once speeding is counted; kept small.
        new(F.MeanSpeedKmh, 0.005, 45, 130),
        new(F.P95SpeedKmh, 0.01, 105, 190),
        // Speeding is the strongest behavioural signal in UBI studies; severe speeding weighs far more per unit.
        new(F.SpeedingShare, 4.0, 0.05, 0.5),
        new(F.SevereSpeedingShare, 15.0, 0.002, 0.1),
        new(F.VeryHighSpeedShare, 6.0, 0.005, 0.2),
        // Harsh braking per 100 km is the event rate most correlated with claims in insurer programmes.
        new(F.HarshBrakingPer100Km, 0.12, 2, 20),
        new(F.RapidAccelerationPer100Km, 0.08, 2, 20),
        new(F.HarshCorneringPer100Km, 0.08, 1, 20),
        // Jerk and lateral g measure smoothness; they overlap the event counts, so the weights are modest.
        new(F.MeanAbsJerkMps3, 0.3, 0.5, 3),
        new(F.P95AbsJerkMps3, 0.1, 2, 10),
        new(F.P95LateralG, 2.0, 0.2, 0.6),
        // Handheld phone use multiplies crash risk several times (naturalistic driving studies).
        new(F.PhoneMinutesPerHour, 0.05, 1, 30),
        new(F.PhoneMovingShare, 3.0, 0.02, 0.5),
        // Motorways have the lowest crash rate per km; local roads the highest; primary is the baseline.
        new(F.MotorwayShare, -0.5, 0.3, 1),
        new(F.PrimaryRoadShare, 0, 0.3, 1),
        new(F.SecondaryRoadShare, 0.2, 0.2, 1),
        new(F.LocalRoadShare, 0.3, 0.15, 1),
        new(F.UnknownRoadShare, 0, 0.05, 1),
        // Configured high-risk areas carry their own weights already; one unit of share is a strong signal.
        new(F.HighRiskAreaShare, 1.0, 0.05, 1),
        // Long GPS gaps hide driving (and can mean a tampered device), so they cost a little.
        new(F.GpsGapShare, 0.5, 0.02, 1),
        // Dropped records are a data-quality figure, not driving behaviour.
        new(F.DroppedRecordShare, 0, 0.01, 1),
    ];
}
