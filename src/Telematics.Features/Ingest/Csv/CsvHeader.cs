namespace Telematics.Features.Ingest.Csv;

/// <summary>
/// The header line resolved against the mapping: the field each column feeds, and the last column that any field needs
/// (records are split and converted up to it only).
/// </summary>
/// <remarks>
/// A struct, so that the reader and the fast path hold it inline: the per-line code reads the array and the bound as
/// directly as it read the reader's own fields before.
/// </remarks>
internal readonly struct CsvHeader
{
    private CsvHeader(CsvField[] columns, int lastMappedColumn)
    {
        Columns = columns;
        LastMappedColumn = lastMappedColumn;
    }

    /// <summary>The field each column feeds, <see cref="CsvField.None"/> where the mapping ignores it; null until the header is read.</summary>
    public CsvField[]? Columns { get; }

    /// <summary>The last column that feeds a field, or -1 when none does.</summary>
    public int LastMappedColumn { get; }

    /// <summary>Resolves a header line; the mapping drops optional columns that the header does not have.</summary>
    /// <exception cref="TelematicsFormatException">The header lacks a column the mapping requires.</exception>
    public static CsvHeader Read(CompiledCsvMapping mapping, ReadOnlySpan<byte> line, long lineNumber)
    {
        var names = CompiledCsvMapping.SplitHeader(line, mapping.Separator, mapping.Quote, mapping.Text);
        var columns = mapping.Resolve(names, lineNumber, line);
        var lastMappedColumn = -1;
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i] != CsvField.None)
            {
                lastMappedColumn = i;
            }
        }

        return new CsvHeader(columns, lastMappedColumn);
    }

    /// <summary>The header's name of the column, or <c>#n</c> (1-based) for a column no field is mapped to.</summary>
    public string NameOf(CompiledCsvMapping mapping, int column) => mapping.ColumnOf(Columns![column]) ?? $"#{column + 1}";
}
