using Telematics.Scoring.Pricing;
using Telematics.Scoring.Results;

namespace Telematics.Service.Scoring;

/// <summary>The outcome for one driver: the stored score and premium, or why there is none.</summary>
/// <remarks>Immutable.</remarks>
public sealed class DriverScoreOutcome
{
    internal DriverScoreOutcome(long driverId, DriverScoreStatus status, string? reason)
    {
        DriverId = driverId;
        Status = status;
        Reason = reason;
    }

    /// <summary>The driver.</summary>
    public long DriverId { get; }

    /// <summary>Whether the driver was scored, and if not, why.</summary>
    public DriverScoreStatus Status { get; }

    /// <summary>Plain-English reason when <see cref="Status"/> is not <see cref="DriverScoreStatus.Scored"/>; null otherwise.</summary>
    public string? Reason { get; }

    /// <summary>The score with model, version, experiment, variant and contributions; null unless scored.</summary>
    public RiskScore? Score { get; internal init; }

    /// <summary>The driver's <c>telematics</c> v1 vector over the period (29 values); empty unless scored.</summary>
    public float[] Features { get; internal init; } = [];

    /// <summary>Trips in the period.</summary>
    public int TripCount { get; internal init; }

    /// <summary>The distance of the period scaled from <see cref="ObservedDays"/> to 365 days, km (what the plan's mileage bands price).</summary>
    public double AnnualKm { get; internal init; }

    /// <summary>
    /// Days of the period the driver was observed (<see cref="StoredDriverScorer.ObservedDays"/>): the window the
    /// window-invariant features, the annual distance and pricing credibility rest on; 0 unless scored.
    /// </summary>
    public double ObservedDays { get; internal init; }

    /// <summary>The driver's pricing region (<c>drivers.region</c>); null for the plan's default base rate.</summary>
    public string? Region => Cell.Region;

    /// <summary>The driver's classical cell as priced: region, age band and vehicle class (<c>drivers</c>), each null when not on record.</summary>
    public RatingCell Cell { get; internal init; }

    /// <summary>The premium priced from the score; null unless scored.</summary>
    public PremiumQuote? Quote { get; internal init; }

    /// <summary>Id of the stored <c>risk_scores</c> row; 0 unless scored.</summary>
    public long ScoreId { get; internal init; }

    /// <summary>Id of the stored <c>premiums</c> row; 0 unless scored.</summary>
    public long PremiumId { get; internal init; }

    /// <summary>When the score and premium were stored (their <c>scored_at</c> and <c>effective_at</c>, whole microseconds, UTC); default unless scored.</summary>
    public DateTimeOffset ScoredAt { get; internal init; }
}
