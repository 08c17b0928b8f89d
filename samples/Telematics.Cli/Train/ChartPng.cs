namespace Telematics.Cli.Train;

/// <summary>Renders one ScottPlot chart to a PNG beside the training report, or says why it could not.</summary>
internal static class ChartPng
{
    /// <summary>Draws with <paramref name="draw"/> and saves; returns null on success or why it could not be drawn (for example missing native graphics libraries).</summary>
    public static string? TryWrite(string path, int width, int height, Action<ScottPlot.Plot> draw)
    {
        try
        {
            var plot = new ScottPlot.Plot();
            draw(plot);
            plot.SavePng(path, width, height);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            return $"ScottPlot could not render here ({e.GetType().Name}: {e.Message}).";
        }
    }
}
