namespace Telematics.Service.Events;

/// <summary>The kinds of <see cref="DomainEvent"/>; each has a data schema of its own in <c>docs/events.md</c>.</summary>
public static class DomainEventTypes
{
    /// <summary>A driver was registered.</summary>
    public const string DriverRegistered = nameof(DriverRegistered);

    /// <summary>An upload closed a trip (or closed again a trip it continued).</summary>
    public const string TripCompleted = nameof(TripCompleted);

    /// <summary>A risk score was calculated and stored.</summary>
    public const string RiskScoreCalculated = nameof(RiskScoreCalculated);

    /// <summary>A premium was priced and stored.</summary>
    public const string PremiumUpdated = nameof(PremiumUpdated);

    /// <summary>A new score crossed a safety threshold (it fell in the high category).</summary>
    public const string SafetyAlert = nameof(SafetyAlert);

    /// <summary>A model version was promoted to an alias.</summary>
    public const string ModelPromoted = nameof(ModelPromoted);

    /// <summary>The data schema's version of every type above; a change that breaks a consumer gets a new one.</summary>
    public const int SchemaVersion = 1;
}
