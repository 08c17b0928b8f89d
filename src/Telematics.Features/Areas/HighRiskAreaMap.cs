using System.Runtime.CompilerServices;

namespace Telematics.Features.Areas;

/// <summary>
/// High-risk areas as a regular latitude/longitude grid of weights in [0, 1]: a lookup is two multiplies and
/// one array read, whatever the number of areas. Cells and polygons are painted onto the grid when it is built.
/// </summary>
/// <remarks>
/// A polygon covers the cells whose centre lies inside it, so its edge is exact to half a cell (at the
/// default 0.005° ≈ 550 m of latitude). Where areas overlap the larger weight wins. Outside the grid the weight
/// is 0. Build it once, then share it: lookups are thread-safe; painting is not.
/// </remarks>
public sealed class HighRiskAreaMap
{
    private readonly float[] _weights;
    private readonly double _cellsPerDeg;

    /// <summary>Creates an empty grid covering a bounding box.</summary>
    /// <param name="southDeg">Southern edge, degrees latitude.</param>
    /// <param name="westDeg">Western edge, degrees longitude.</param>
    /// <param name="northDeg">Northern edge, degrees latitude; above <paramref name="southDeg"/>.</param>
    /// <param name="eastDeg">Eastern edge, degrees longitude; above <paramref name="westDeg"/> (no antimeridian crossing).</param>
    /// <param name="cellSizeDeg">Cell edge in degrees; default 0.005°.</param>
    /// <exception cref="ArgumentOutOfRangeException">The box is empty or inverted, or the grid would exceed 16 million cells.</exception>
    public HighRiskAreaMap(double southDeg, double westDeg, double northDeg, double eastDeg, double cellSizeDeg = 0.005)
    {
        if (!(cellSizeDeg > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(cellSizeDeg), cellSizeDeg, "Must be greater than 0.");
        }

        if (!(northDeg > southDeg) || southDeg < -90 || northDeg > 90)
        {
            throw new ArgumentOutOfRangeException(nameof(northDeg), northDeg, "The latitudes must satisfy -90 <= south < north <= 90.");
        }

        if (!(eastDeg > westDeg) || westDeg < -180 || eastDeg > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(eastDeg), eastDeg, "The longitudes must satisfy -180 <= west < east <= 180.");
        }

        var rows = (long)Math.Ceiling((northDeg - southDeg) / cellSizeDeg);
        var columns = (long)Math.Ceiling((eastDeg - westDeg) / cellSizeDeg);
        if (rows * columns > 16_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(cellSizeDeg), cellSizeDeg, $"The grid would have {rows * columns} cells; the limit is 16,000,000.");
        }

        SouthDeg = southDeg;
        WestDeg = westDeg;
        CellSizeDeg = cellSizeDeg;
        Rows = (int)rows;
        Columns = (int)columns;
        _cellsPerDeg = 1.0 / cellSizeDeg;
        _weights = new float[Rows * Columns];
    }

    /// <summary>Southern edge of the grid, degrees.</summary>
    public double SouthDeg { get; }

    /// <summary>Western edge of the grid, degrees.</summary>
    public double WestDeg { get; }

    /// <summary>Edge of a cell, degrees.</summary>
    public double CellSizeDeg { get; }

    /// <summary>Number of cell rows (south to north).</summary>
    public int Rows { get; }

    /// <summary>Number of cell columns (west to east).</summary>
    public int Columns { get; }

    /// <summary>Weight at a position: that of the cell holding it, 0 outside the grid.</summary>
    /// <param name="latitudeDeg">Latitude, degrees.</param>
    /// <param name="longitudeDeg">Longitude, degrees.</param>
    /// <returns>A weight in [0, 1].</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float WeightAt(double latitudeDeg, double longitudeDeg)
    {
        // Written so that NaN fails the range tests; inside the range the truncation is a floor.
        var rowF = (latitudeDeg - SouthDeg) * _cellsPerDeg;
        var columnF = (longitudeDeg - WestDeg) * _cellsPerDeg;
        if (!(rowF >= 0 && rowF < Rows && columnF >= 0 && columnF < Columns))
        {
            return 0f;
        }

        var row = (uint)rowF;
        var column = (uint)columnF;
        return _weights[(row * (uint)Columns) + column];
    }

    /// <summary>Marks the cell that holds a position with a weight.</summary>
    /// <param name="latitudeDeg">Latitude inside the grid, degrees.</param>
    /// <param name="longitudeDeg">Longitude inside the grid, degrees.</param>
    /// <param name="weight">Weight in [0, 1]; the cell keeps the larger of its weight and this.</param>
    /// <returns>This map, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The weight is outside [0, 1] or the position is outside the grid.</exception>
    public HighRiskAreaMap AddCell(double latitudeDeg, double longitudeDeg, float weight)
    {
        CheckWeight(weight);
        var row = (int)Math.Floor((latitudeDeg - SouthDeg) * _cellsPerDeg);
        var column = (int)Math.Floor((longitudeDeg - WestDeg) * _cellsPerDeg);
        if ((uint)row >= (uint)Rows || (uint)column >= (uint)Columns)
        {
            throw new ArgumentOutOfRangeException(nameof(latitudeDeg), latitudeDeg, "The position is outside the grid.");
        }

        Paint(row, column, weight);
        return this;
    }

    /// <summary>Marks every cell whose centre lies inside a polygon with a weight.</summary>
    /// <param name="latitudesDeg">Vertex latitudes, degrees, in order (closing edge implied).</param>
    /// <param name="longitudesDeg">Vertex longitudes, degrees, same length.</param>
    /// <param name="weight">Weight in [0, 1]; each cell keeps the larger of its weight and this.</param>
    /// <returns>This map, for chaining.</returns>
    /// <exception cref="ArgumentException">Fewer than 3 vertices, or the spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The weight is outside [0, 1].</exception>
    public HighRiskAreaMap AddPolygon(ReadOnlySpan<double> latitudesDeg, ReadOnlySpan<double> longitudesDeg, float weight)
    {
        CheckWeight(weight);
        if (latitudesDeg.Length < 3 || latitudesDeg.Length != longitudesDeg.Length)
        {
            throw new ArgumentException("A polygon needs at least 3 vertices, with as many latitudes as longitudes.", nameof(latitudesDeg));
        }

        // Only cells inside the polygon's bounding box can have their centre inside it.
        double minLat = double.MaxValue, maxLat = double.MinValue, minLon = double.MaxValue, maxLon = double.MinValue;
        for (var i = 0; i < latitudesDeg.Length; i++)
        {
            minLat = Math.Min(minLat, latitudesDeg[i]);
            maxLat = Math.Max(maxLat, latitudesDeg[i]);
            minLon = Math.Min(minLon, longitudesDeg[i]);
            maxLon = Math.Max(maxLon, longitudesDeg[i]);
        }

        var rowFirst = (int)Math.Max(0, Math.Floor((minLat - SouthDeg) * _cellsPerDeg));
        var rowLast = (int)Math.Min(Rows - 1, Math.Floor((maxLat - SouthDeg) * _cellsPerDeg));
        var columnFirst = (int)Math.Max(0, Math.Floor((minLon - WestDeg) * _cellsPerDeg));
        var columnLast = (int)Math.Min(Columns - 1, Math.Floor((maxLon - WestDeg) * _cellsPerDeg));
        for (var row = rowFirst; row <= rowLast; row++)
        {
            var lat = SouthDeg + ((row + 0.5) * CellSizeDeg);
            for (var column = columnFirst; column <= columnLast; column++)
            {
                var lon = WestDeg + ((column + 0.5) * CellSizeDeg);
                if (Contains(latitudesDeg, longitudesDeg, lat, lon))
                {
                    Paint(row, column, weight);
                }
            }
        }

        return this;
    }

    private static void CheckWeight(float weight)
    {
        if (!(weight >= 0f && weight <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "A weight must be in [0, 1].");
        }
    }

    // Even-odd ray casting towards east.
    private static bool Contains(ReadOnlySpan<double> lats, ReadOnlySpan<double> lons, double lat, double lon)
    {
        var inside = false;
        for (int i = 0, j = lats.Length - 1; i < lats.Length; j = i++)
        {
            if ((lats[i] > lat) != (lats[j] > lat) &&
                lon < ((lons[j] - lons[i]) * (lat - lats[i]) / (lats[j] - lats[i])) + lons[i])
            {
                inside = !inside;
            }
        }

        return inside;
    }

    private void Paint(int row, int column, float weight)
    {
        ref var cell = ref _weights[(row * Columns) + column];
        cell = Math.Max(cell, weight);
    }
}
