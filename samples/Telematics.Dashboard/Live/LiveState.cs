namespace Telematics.Dashboard.Live;

/// <summary>Whether the live updates reach this tab.</summary>
public enum LiveState
{
    /// <summary>Nobody signed in, or no view listening yet.</summary>
    Off,

    /// <summary>Connected: the views reload as changes are stored.</summary>
    Live,

    /// <summary>Not connected (the host cannot be reached, or the connection was lost): trying again.</summary>
    Paused,

    /// <summary>The hub refused the token (it expired, or the host's key changed): no more tries; the user signs in again.</summary>
    SessionEnded,
}
