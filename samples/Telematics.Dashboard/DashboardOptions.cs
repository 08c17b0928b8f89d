namespace Telematics.Dashboard;

/// <summary>Settings of the dashboard (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Dashboard";

    /// <summary>
    /// Where the dashboard's server side reaches the host's API and live hub, e.g. <c>http://127.0.0.1:8080/</c>. Default
    /// (null): an address this host listens on, http and loopback first (<see cref="DashboardHostAddress"/>). Set it when
    /// the host listens only on https with a certificate for its public name, or only on a Unix socket.
    /// </summary>
    public Uri? ApiBaseAddress { get; set; }
}
