using MudBlazor;

namespace Telematics.Dashboard.Layout;

/// <summary>The dashboard's colours: MudBlazor's defaults with a primary that keeps AA contrast on both backgrounds.</summary>
internal static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1565c0", Secondary = "#00796b", AppbarBackground = "#1565c0" },
        PaletteDark = new PaletteDark { Primary = "#90caf9", Secondary = "#80cbc4" },
    };
}
