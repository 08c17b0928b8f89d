using Telematics.Features.Samples;

namespace Telematics.Features.Ingest.Csv;

/// <summary>A CSV column that gives the road class, with a map from the source's own classes.</summary>
/// <remarks>
/// With an empty <see cref="Values"/> map the column holds <see cref="RoadClass"/> names (case-insensitive) or their
/// numbers 0–7. With a map, each text (compared exactly, case included, after trimming) maps to a class. Any other
/// text reads as <see cref="RoadClass.Unknown"/> and is listed once per distinct text in
/// <see cref="Ingest.IngestReport.Warnings"/> (first record, count): a class the map forgot is told, but does not cost
/// the record its position. Missing values give <see cref="RoadClass.Unknown"/>.
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
