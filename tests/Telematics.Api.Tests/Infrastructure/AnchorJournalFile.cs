namespace Telematics.Api.Tests.Infrastructure;

/// <summary>Waits for a host's audit anchor journal (<c>Audit:AnchorJournalPath</c>) to hold its first anchor.</summary>
internal static class AnchorJournalFile
{
    /// <summary>
    /// Waits up to 30 s until <paramref name="path"/> holds a whole line. The journal is opened for appending (which
    /// creates the file) before its line is written and flushed: a file that merely exists may still be empty, which a
    /// loaded CI machine makes likelier to be seen.
    /// </summary>
    public static async Task WaitForFirstLineAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!HoldsALine(path) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    private static bool HoldsALine(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(file);
            return reader.ReadToEnd().Contains('\n', StringComparison.Ordinal);
        }
        catch (IOException) // not created yet (FileNotFoundException is one), or held by the writer
        {
            return false;
        }
    }
}
