using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

using Telematics.Scoring.Pricing;

namespace Telematics.Storage.Postgres.Drivers;

/// <summary>The rules for a driver's region, time zone, age band and vehicle class, shared by the repository, the host and the command line.</summary>
/// <remarks>Thread-safe. The database repeats the shapes as CHECK constraints (migrations 0004, 0006 and 0022).</remarks>
public static partial class DriverFields
{
    /// <summary>The longest time zone id stored (the CHECK of <c>drivers.time_zone</c>).</summary>
    public const int MaxTimeZoneLength = 64;

    /// <summary>Whether <paramref name="region"/> has the shape of a plan region code: two capital letters, optionally <c>-</c> and 1–3 capital letters or digits (<c>FR</c>, <c>FR-75</c>, <c>US-CA</c>).</summary>
    /// <param name="region">The code; compared case-sensitively, as <c>drivers.region</c>'s CHECK does.</param>
    public static bool IsRegion([NotNullWhen(true)] string? region) => region is not null && RegionPattern().IsMatch(region);

    /// <summary>
    /// Finds a time zone by IANA id (such as <c>Europe/Berlin</c>): the id must have the IANA shape (letters, digits,
    /// <c>_ + -</c>, segments joined by <c>/</c>, at most 64 characters) and be known to this system's time zone data.
    /// </summary>
    /// <param name="id">The IANA id. Windows ids (<c>W. Europe Standard Time</c>) are refused, since the column holds IANA ids.</param>
    /// <param name="zone">The zone when found.</param>
    /// <returns><see langword="true"/> when the id is an IANA id this system knows.</returns>
    public static bool TryFindTimeZone([NotNullWhen(true)] string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        return id is { Length: > 0 and <= MaxTimeZoneLength } && TimeZonePattern().IsMatch(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone);
    }

    internal static void CheckRegion(string? region, string name)
    {
        if (region is not null && !IsRegion(region))
        {
            throw new ArgumentException($"{name} must be a region code such as FR-75 (two capital letters, optionally '-' and 1–3 capital letters or digits).", name);
        }
    }

    internal static void CheckAgeBand(string? ageBand, string name)
    {
        if (ageBand is not null && !RatingFactorCodes.IsAgeBand(ageBand))
        {
            throw new ArgumentException($"{name} must be one of {string.Join(", ", RatingFactorCodes.AgeBands)}, not '{ageBand}'.", name);
        }
    }

    internal static void CheckVehicleClass(string? vehicleClass, string name)
    {
        if (vehicleClass is not null && !RatingFactorCodes.IsVehicleClass(vehicleClass))
        {
            throw new ArgumentException($"{name} must be one of {string.Join(", ", RatingFactorCodes.VehicleClasses)}, not '{vehicleClass}'.", name);
        }
    }

    internal static void CheckTimeZone(string? timeZone, string name)
    {
        if (timeZone is not null && !TryFindTimeZone(timeZone, out _))
        {
            throw new ArgumentException($"{name} must be an IANA time zone id known to this system, such as Europe/Berlin.", name);
        }
    }

    [GeneratedRegex("^[A-Z]{2}(-[A-Z0-9]{1,3})?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex TimeZonePattern();
}
