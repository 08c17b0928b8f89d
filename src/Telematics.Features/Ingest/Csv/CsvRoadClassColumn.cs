using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Csv;

/// <summary>A CSV column that gives the road class, with a map from the source's own classes.</summary>
/// <remarks>
/// With an empty <see cref="Values"/> map the column holds <see cref="RoadClass"/> names (case-insensitive) or their
/// numbers 0–7. With a map, each text (compared exactly after trimming) maps to a class and any other text is a bad
/// record, so that a class the map forgot is reported rather than silently counted as unknown. Missing values give
/// <see cref="RoadClass.Unknown"/>.
/// </remarks>
public sealed class CsvRoadClassColumn
{
    /// <summary>Creates a road class column.</summary>
    /// <param name="column">Header name of the column.</param>
    public CsvRoadClassColumn(string column) => Column = column;

    /// <summary>Header name of the column, matched case-insensitively after trimming.</summary>
    public string Column { get; set; }

    /// <summary>Source text → road class.</summary>
    /// <value>Default empty: the column holds <see cref="RoadClass"/> names or numbers.</value>
    public IDictionary<string, RoadClass> Values { get; set; } = new Dictionary<string, RoadClass>(StringComparer.Ordinal);
}
