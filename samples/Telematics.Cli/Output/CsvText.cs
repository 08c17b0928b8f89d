using System.Text;

namespace Telematics.Cli.Output;

/// <summary>
/// The CSV the commands write and read back (RFC 4180 within one line): a cell holding a comma, a quote or a line break
/// is quoted with its quotes doubled, so a driver id such as <c>smith, j</c> survives <c>features</c> → <c>score</c> →
/// <c>evaluate</c>.
/// </summary>
internal static class CsvText
{
    /// <summary>One cell as written: quoted only when it must be.</summary>
    public static string Cell(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>Splits one line into its cells, unquoting quoted ones.</summary>
    /// <param name="line">The line, without its line break.</param>
    /// <param name="cells">The cells.</param>
    /// <param name="error">Why the line is not CSV (a quote left open, text after a closing quote), else null.</param>
    /// <returns>True when the line was split.</returns>
    public static bool TrySplit(string line, out List<string> cells, out string? error)
    {
        cells = [];
        error = null;
        var cell = new StringBuilder();
        var i = 0;
        while (true)
        {
            cell.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    var quote = line.IndexOf('"', i);
                    if (quote < 0)
                    {
                        error = $"cell {cells.Count + 1} opens a quote that the line does not close";
                        return false;
                    }

                    cell.Append(line, i, quote - i);
                    if (quote + 1 < line.Length && line[quote + 1] == '"')
                    {
                        cell.Append('"');
                        i = quote + 2;
                        continue;
                    }

                    i = quote + 1;
                    break;
                }

                if (i < line.Length && line[i] != ',')
                {
                    error = $"cell {cells.Count + 1} has text after its closing quote";
                    return false;
                }
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                cell.Append(line, i, end - i);
                i = end;
            }

            cells.Add(cell.ToString());
            if (i >= line.Length)
            {
                return true;
            }

            i++; // past the comma
        }
    }
}
