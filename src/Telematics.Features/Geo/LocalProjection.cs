using System.Runtime.CompilerServices;

namespace Telematics.Features.Geo;

/// <summary>
/// Fast distance between consecutive fixes of a track: the equirectangular projection at the segment's
/// mid-latitude, with cos(latitude) taken as a first-order expansion around the centre of the 0.5° latitude
/// band the segment lies in, so the hot loop needs one square root and no trigonometry per sample.
/// </summary>
/// <remarks>
/// The expansion's neglected term is at most (0.25° in radians)²/2 ≈ 1e-5 of the result, and the projection
/// error grows with the square of the segment length, so for segments up to a few kilometres the distance is
/// within 0.01% of <see cref="GeoMath.HaversineM"/> away from the poles. The result depends only on the two
/// fixes (the band is a function of the mid-latitude), never on the history, so it is the same however a track
/// is chunked or split. Mutable cache state: one instance per track.
/// </remarks>
internal struct LocalProjection
{
    /// <summary>Height of a latitude band, degrees.</summary>
    public const double BandDeg = 0.5;

    private const double MetresPerDegree = GeoMath.EarthRadiusM * GeoMath.DegToRad;

    // Four fields, so the JIT can keep a local copy of the struct in registers.
    private double _bandSouth;
    private double _bandNorth;
    private double _cosRef;
    private double _sinRefPerDeg;

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
        // A default instance has an empty band (0, 0), so the first call always refreshes.
        if (!(midLat >= _bandSouth && midLat < _bandNorth))
        {
            Refresh(midLat);
        }

        var x = dLon * (_cosRef - (_sinRefPerDeg * (midLat - _bandSouth - (0.5 * BandDeg))));
        return MetresPerDegree * Math.Sqrt((dLat * dLat) + (x * x));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refresh(double latDeg)
    {
        _bandSouth = Math.Floor(latDeg / BandDeg) * BandDeg;
        _bandNorth = _bandSouth + BandDeg;
        var refLatRad = (_bandSouth + (0.5 * BandDeg)) * GeoMath.DegToRad;
        _cosRef = Math.Cos(refLatRad);
        _sinRefPerDeg = Math.Sin(refLatRad) * GeoMath.DegToRad;
    }
}
