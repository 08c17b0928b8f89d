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
}
