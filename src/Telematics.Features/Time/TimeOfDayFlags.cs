namespace Telematics.Features.Time;

/// <summary>The local-time windows of the <c>telematics</c> schema an instant falls into.</summary>
[Flags]
public enum TimeOfDayFlags : byte
{
    /// <summary>None of the windows.</summary>
    None = 0,

    /// <summary>22:00–05:00 local time.</summary>
    Night = 1,

    /// <summary>00:00–04:00 local time.</summary>
    LateNight = 2,

    /// <summary>Monday–Friday 07:00–09:00 or 16:00–19:00 local time.</summary>
    RushHour = 4,

    /// <summary>Saturday or Sunday, local time.</summary>
    Weekend = 8,
}
