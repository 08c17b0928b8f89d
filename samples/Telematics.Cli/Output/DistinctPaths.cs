namespace Telematics.Cli.Output;

/// <summary>
/// Refuses a command line whose output is one of its inputs or another of its outputs: the output is written by a rename
/// over the target, so <c>--report-bad drive.csv</c> for <c>--input drive.csv</c> replaced the recorded events.
/// </summary>
internal static class DistinctPaths
{
    /// <summary>Throws <see cref="ArgumentException"/> naming both options when two of the paths given are one file.</summary>
    /// <param name="inputs">The files the command reads, by option; null paths are options not given.</param>
    /// <param name="outputs">The files the command writes, by option.</param>
    public static void Require(ReadOnlySpan<(string Option, FileSystemInfo? File)> inputs, ReadOnlySpan<(string Option, FileSystemInfo? File)> outputs)
    {
        for (var o = 0; o < outputs.Length; o++)
        {
            if (outputs[o].File is not { } written)
            {
                continue;
            }

            foreach (var (option, file) in inputs)
            {
                if (file is not null && Same(file, written))
                {
                    throw new ArgumentException($"{outputs[o].Option}: '{written.FullName}' is the {option} file; write it elsewhere.");
                }
            }

            for (var other = o + 1; other < outputs.Length; other++)
            {
                if (outputs[other].File is { } second && Same(second, written))
                {
                    throw new ArgumentException($"{outputs[other].Option}: '{written.FullName}' is the {outputs[o].Option} file too; give each its own.");
                }
            }
        }
    }

    private static bool Same(FileSystemInfo a, FileSystemInfo b) =>
        string.Equals(Path.GetFullPath(a.FullName), Path.GetFullPath(b.FullName), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
