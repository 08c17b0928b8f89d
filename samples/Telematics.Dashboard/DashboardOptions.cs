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

    /// <summary>
    /// How long the live connection waits before each attempt to reconnect after it was lost; after the last one it is
    /// closed and tried again at the last delay for as long as a view listens. Default 0, 2, 10 and 30 seconds.
    /// </summary>
    public IList<TimeSpan> LiveReconnectDelays { get; } = [];

    /// <summary>The delays of <see cref="LiveReconnectDelays"/>, or the defaults when none is configured.</summary>
    internal TimeSpan[] ReconnectDelays() =>
        LiveReconnectDelays.Count > 0
            ? [.. LiveReconnectDelays.Select(d => d < TimeSpan.Zero ? TimeSpan.Zero : d)]
            : [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];
}
