namespace Telematics.Features.Ingest.Csv;

/// <summary>A CSV column that feeds a numeric sample field, and the unit it is recorded in.</summary>
public sealed class CsvNumericColumn
{
    /// <summary>Creates a column mapping.</summary>
    /// <param name="column">Header name of the column, matched case-insensitively after trimming.</param>
    /// <param name="unit">Unit of the values in the column.</param>
    public CsvNumericColumn(string column, MeasurementUnit unit = MeasurementUnit.Si)
    {
        Column = column;
        Unit = unit;
    }

    /// <summary>Header name of the column, matched case-insensitively after trimming.</summary>
    public string Column { get; set; }

    /// <summary>Unit of the values in the column.</summary>
    /// <value>Default <see cref="MeasurementUnit.Si"/>: values are in the field's own unit.</value>
    public MeasurementUnit Unit { get; set; }

    /// <summary>
    /// Texts (compared exactly after trimming) that mean "no value" in this column only, on top of the mapping's
    /// <see cref="CsvColumnMapping.MissingValues"/>: a logger's marker for an invalid reading, such as the <c>-1</c> iOS
    /// writes for an unknown speed or course, which the mapping-wide list would also blank in every other column.
    /// </summary>
    /// <value>Default empty: any other number is read, and one outside the plausible bounds makes the record bad.</value>
    public IList<string> MissingValues { get; set; } = [];
}
