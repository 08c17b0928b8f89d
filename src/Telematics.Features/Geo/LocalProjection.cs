using System.Runtime.CompilerServices;

namespace Telematics.Features.Geo;

/// <summary>
/// Fast distance between consecutive fixes of a track: the equirectangular projection at the segment's
/// mid-latitude, with cos(latitude) kept as a first-order expansion around a reference that moves with the
/// track, so the hot loop needs one square root and no trigonometry per sample.
/// </summary>
/// <remarks>
/// For segments up to a few kilometres the result is within 0.01% of <see cref="GeoMath.HaversineM"/>
/// away from the poles (the projection error grows with the square of the segment length, and the cosine
/// expansion is refreshed whenever the latitude moves more than <see cref="RefreshDeg"/>). Mutable state: one
/// instance per track.
/// </remarks>
internal struct LocalProjection
{
    /// <summary>Latitude drift, degrees, after which the cosine reference is recomputed.</summary>
    /// <remarks>0.5° keeps the neglected second-order cosine term below (0.0087 rad)²/2 ≈ 4e-5.</remarks>
    public const double RefreshDeg = 0.5;

    private const double MetresPerDegree = GeoMath.EarthRadiusM * GeoMath.DegToRad;

    private double _refLatDeg;
    private double _cosRef;
    private double _sinRefPerDeg;
    private bool _initialised;

    /// <summary>Distance in metres between two fixes that are close to each other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double DistanceM(double lat1Deg, double lon1Deg, double lat2Deg, double lon2Deg)
    {
        var dLat = lat2Deg - lat1Deg;
        var dLon = lon2Deg - lon1Deg;
        if (dLon > 180.0)
        {
            dLon -= 360.0;
        }
        else if (dLon < -180.0)
        {
            dLon += 360.0;
        }

        var midLat = lat1Deg + (0.5 * dLat);
        var drift = midLat - _refLatDeg;
        if (!_initialised || Math.Abs(drift) > RefreshDeg)
        {
            Refresh(midLat);
            drift = 0;
        }

        var x = dLon * (_cosRef - (_sinRefPerDeg * drift));
        return MetresPerDegree * Math.Sqrt((dLat * dLat) + (x * x));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refresh(double latDeg)
    {
        _refLatDeg = latDeg;
        _cosRef = Math.Cos(latDeg * GeoMath.DegToRad);
        _sinRefPerDeg = Math.Sin(latDeg * GeoMath.DegToRad) * GeoMath.DegToRad;
        _initialised = true;
    }
}
