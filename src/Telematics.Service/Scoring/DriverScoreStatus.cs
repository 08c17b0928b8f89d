namespace Telematics.Service.Scoring;

/// <summary>What happened to one driver asked to be scored from stored trips.</summary>
public enum DriverScoreStatus
{
    /// <summary>Scored, priced and stored.</summary>
    Scored,

    /// <summary>The driver has no stored trip in the period: nothing was scored or stored.</summary>
    NoTrips,

    /// <summary>No driver has this id: nothing was stored.</summary>
    UnknownDriver,

    /// <summary>The model refused or failed the driver's vector: nothing was stored; see the reason.</summary>
    Failed,
}
