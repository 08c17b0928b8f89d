namespace Telematics.Dashboard;

/// <summary>Settings of the dashboard (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Dashboard";

    /// <summary>
    /// Where the dashboard's server side reaches the host's API, e.g. <c>http://127.0.0.1:8080/</c>. Default (null): the
    /// address the browser used, which works whenever the host can reach itself under its public name. Set it behind a
    /// proxy whose public address the host cannot reach.
    /// </summary>
    public Uri? ApiBaseAddress { get; set; }

    /// <summary>The host's address the server side calls (the API and the live hub): <see cref="ApiBaseAddress"/>, else the browser's.</summary>
    /// <param name="navigation">The circuit's navigation, which knows the address the browser used.</param>
    public Uri HostAddress(Microsoft.AspNetCore.Components.NavigationManager navigation)
    {
        ArgumentNullException.ThrowIfNull(navigation);
        return ApiBaseAddress ?? new Uri(navigation.BaseUri);
    }
}
