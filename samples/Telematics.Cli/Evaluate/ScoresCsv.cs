using System.Globalization;

using Telematics.Cli.Output;

namespace Telematics.Cli.Evaluate;

/// <summary>
/// Reads what <c>telematics score</c> wrote: each driver's id and raw model output, by header name, so that columns
/// added later do not matter. A driver the run could not score (no raw output, an <c>error</c> cell) is listed apart.
/// </summary>
internal static class ScoresCsv
{
    public static (List<(string DriverId, double Output)> Scored, List<string> Failed) Read(string path)
    {
        using var reader = new StreamReader(path);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path} line 1: the file is empty; expected the header 'telematics score' writes.")).Split(',');
        var id = Array.IndexOf(header, "driver_id");
        var output = Array.IndexOf(header, "raw_output");
        if (id < 0 || output < 0)
        {
            throw new InvalidDataException($"{path} line 1: no 'driver_id' or 'raw_output' column; expected a file 'telematics score' wrote.");
        }

        var scored = new List<(string, double)>();
        var failed = new List<string>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            // A driver id with a comma is quoted (CsvText.Cell); the free-text cells after raw_output are not read.
            if (!CsvText.TrySplit(text, out var cells, out var malformed))
            {
                throw new InvalidDataException($"{path} line {line}: {malformed}.");
            }

            if (cells.Count <= Math.Max(id, output))
            {
                throw new InvalidDataException($"{path} line {line}: {cells.Count} cells; the header has a 'raw_output' at column {output + 1}.");
            }

            if (cells[output].Length == 0)
            {
                // A driver the run could not score: its error cell says why.
                failed.Add(cells[id]);
                continue;
            }

            if (!double.TryParse(cells[output], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0)
            {
                throw new InvalidDataException($"{path} line {line}, driver '{cells[id]}': raw_output '{cells[output]}' is not a positive number; evaluate reads a frequency model's scores (annual claims).");
            }

            scored.Add((cells[id], value));
        }

        return (scored, failed);
    }
}
