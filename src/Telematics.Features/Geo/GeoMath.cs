using System.Runtime.CompilerServices;

namespace Telematics.Features.Geo;

/// <summary>Great-circle distance, bearing and heading arithmetic on the WGS84 coordinates of samples.</summary>
/// <remarks>
/// Distances use a spherical Earth of radius <see cref="EarthRadiusM"/>; against the WGS84 ellipsoid the
/// error is at most about 0.5% and usually far less, which is below the noise of a phone GPS fix. All
/// members are pure and thread-safe.
/// </remarks>
public static class GeoMath
{
    /// <summary>Mean Earth radius in metres (IUGG mean radius R1 = 6,371,008.8 m).</summary>
    /// <remarks>
    /// R1 = (2a + b) / 3 is the sphere whose great-circle distances have the smallest mean error against the
    /// WGS84 ellipsoid, which is why haversine implementations conventionally use it.
    /// </remarks>
    public const double EarthRadiusM = 6_371_008.8;

    internal const double DegToRad = Math.PI / 180.0;
    internal const double RadToDeg = 180.0 / Math.PI;

    /// <summary>Great-circle (haversine) distance between two positions, in metres.</summary>
    /// <param name="latitude1Deg">Latitude of the first position, degrees.</param>
    /// <param name="longitude1Deg">Longitude of the first position, degrees.</param>
    /// <param name="latitude2Deg">Latitude of the second position, degrees.</param>
    /// <param name="longitude2Deg">Longitude of the second position, degrees.</param>
    /// <returns>Distance in metres, 0 or more; NaN when an input is NaN.</returns>
    public static double HaversineM(double latitude1Deg, double longitude1Deg, double latitude2Deg, double longitude2Deg)
    {
        var phi1 = latitude1Deg * DegToRad;
        var phi2 = latitude2Deg * DegToRad;
        var sinHalfDPhi = Math.Sin((phi2 - phi1) * 0.5);
        var sinHalfDLambda = Math.Sin((longitude2Deg - longitude1Deg) * DegToRad * 0.5);
        var h = (sinHalfDPhi * sinHalfDPhi) + (Math.Cos(phi1) * Math.Cos(phi2) * sinHalfDLambda * sinHalfDLambda);
        // Rounding can push h a hair above 1 for antipodal points; asin would then return NaN.
        return 2.0 * EarthRadiusM * Math.Asin(Math.Sqrt(Math.Min(1.0, h)));
    }

    /// <summary>Initial bearing (forward azimuth) from the first position towards the second.</summary>
    /// <param name="latitude1Deg">Latitude of the start, degrees.</param>
    /// <param name="longitude1Deg">Longitude of the start, degrees.</param>
    /// <param name="latitude2Deg">Latitude of the destination, degrees.</param>
    /// <param name="longitude2Deg">Longitude of the destination, degrees.</param>
    /// <returns>Degrees clockwise from true north in [0, 360); 0 when both positions are equal.</returns>
    public static double BearingDeg(double latitude1Deg, double longitude1Deg, double latitude2Deg, double longitude2Deg)
    {
        var phi1 = latitude1Deg * DegToRad;
        var phi2 = latitude2Deg * DegToRad;
        var dLambda = (longitude2Deg - longitude1Deg) * DegToRad;
        var y = Math.Sin(dLambda) * Math.Cos(phi2);
        var x = (Math.Cos(phi1) * Math.Sin(phi2)) - (Math.Sin(phi1) * Math.Cos(phi2) * Math.Cos(dLambda));
        var deg = Math.Atan2(y, x) * RadToDeg;
        return deg < 0 ? deg + 360.0 : (deg >= 360.0 ? deg - 360.0 : deg);
    }

    /// <summary>Signed smallest rotation from one heading to another, in degrees.</summary>
    /// <param name="fromDeg">Heading before, degrees (any range).</param>
    /// <param name="toDeg">Heading after, degrees (any range).</param>
    /// <returns>Degrees in (-180, 180]: positive is clockwise (a right turn); NaN when an input is NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double HeadingDifferenceDeg(double fromDeg, double toDeg)
    {
        var d = (toDeg - fromDeg) % 360.0;
        if (d > 180.0)
        {
            d -= 360.0;
        }
        else if (d <= -180.0)
        {
            d += 360.0;
        }

        return d;
    }
}
