using MudBlazor;

namespace Telematics.Dashboard.Layout;

/// <summary>
/// The dashboard's colours: MudBlazor's palettes with every status colour chosen for WCAG AA contrast (4.5:1) against
/// the text drawn on it and, as text, against the page — checked by axe-core in <c>AccessibilityTests</c>. Light mode
/// uses dark tones under white text; dark mode light tones under near-black text.
/// </summary>
internal static class DashboardTheme
{
    private const string DarkText = "rgba(0,0,0,0.87)";

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1565c0",
            Secondary = "#00695c",
            AppbarBackground = "#1565c0",
            Success = "#2e7d32",
            Info = "#0369a1",
            Warning = "#b35c00",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#90caf9",
            PrimaryContrastText = DarkText,
            Secondary = "#80cbc4",
            SecondaryContrastText = DarkText,
            Success = "#81c784",
            SuccessContrastText = DarkText,
            Info = "#81d4fa",
            InfoContrastText = DarkText,
            Warning = "#ffb74d",
            WarningContrastText = DarkText,
            Error = "#ef9a9a",
            ErrorContrastText = DarkText,
            TextSecondary = "rgba(255,255,255,0.74)",
        },
    };
}
