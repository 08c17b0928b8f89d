namespace Telematics.Features.Ingest.Csv;

/// <summary>A CSV column that sets one sample flag, with the texts that mean yes and no.</summary>
/// <remarks>
/// Texts compare after trimming, ASCII letters case-insensitively. A value that is missing (empty or one of
/// <see cref="CsvColumnMapping.MissingValues"/>) leaves the flag clear; any other text is a bad record.
/// </remarks>
public sealed class CsvFlagColumn
{
    /// <summary>Creates a flag column with the default yes/no texts.</summary>
    /// <param name="column">Header name of the column.</param>
    public CsvFlagColumn(string column) => Column = column;

    /// <summary>Header name of the column, matched case-insensitively after trimming.</summary>
    public string Column { get; set; }

    /// <summary>Texts that set the flag.</summary>
    /// <value>Default <c>1</c>, <c>true</c>, <c>yes</c>, <c>y</c>.</value>
    public IList<string> TrueValues { get; set; } = ["1", "true", "yes", "y"];

    /// <summary>Texts that leave the flag clear.</summary>
    /// <value>Default <c>0</c>, <c>false</c>, <c>no</c>, <c>n</c>.</value>
    public IList<string> FalseValues { get; set; } = ["0", "false", "no", "n"];
}
