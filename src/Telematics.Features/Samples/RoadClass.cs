namespace Telematics.Features.Samples;

/// <summary>Functional class of the road a sample was recorded on, from most to least important.</summary>
/// <remarks>Stored as one byte per sample. <see cref="Unknown"/> is the value for a missing road class.</remarks>
public enum RoadClass : byte
{
    /// <summary>No road class was recorded or could be matched.</summary>
    Unknown = 0,

    /// <summary>Motorway or freeway: grade-separated, controlled access.</summary>
    Motorway = 1,

    /// <summary>Trunk or expressway: major road that is not a motorway.</summary>
    Trunk = 2,

    /// <summary>Primary or arterial road linking larger towns or districts.</summary>
    Primary = 3,

    /// <summary>Secondary or collector road.</summary>
    Secondary = 4,

    /// <summary>Tertiary road linking smaller settlements or neighbourhoods.</summary>
    Tertiary = 5,

    /// <summary>Residential or local street.</summary>
    Residential = 6,

    /// <summary>Service road, parking aisle, track or anything below residential.</summary>
    Service = 7,
}
