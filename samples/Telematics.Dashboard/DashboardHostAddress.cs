using System.Net;

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Telematics.Dashboard;

/// <summary>
/// Where the dashboard's server side reaches this host's API and live hub: <see cref="DashboardOptions.ApiBaseAddress"/>
/// when set, else an address this host listens on, read from the server itself. Never the address the browser used: in
/// Blazor Server that is the base URI the client sends when its circuit starts (and the Host header is the client's
/// too), so taking it would let any visitor make the server call an address of their choosing.
/// </summary>
/// <remarks>Singleton; thread-safe.</remarks>
public sealed partial class DashboardHostAddress(IOptions<DashboardOptions> options, IServer server, ILogger<DashboardHostAddress> logger)
{
    private Uri? _listening;
    private int _warned;

    /// <summary>The host's root, ending in <c>/</c>; null when it listens on no address a client can call (a Unix socket only).</summary>
    public Uri? Root
    {
        get
        {
            if (options.Value.ApiBaseAddress is { } configured)
            {
                return configured.AbsoluteUri.EndsWith('/') ? configured : new Uri(configured.AbsoluteUri + "/");
            }

            // The addresses are known once the server has started, which is before any circuit exists.
            if (Volatile.Read(ref _listening) is { } known)
            {
                return known;
            }

            var found = Pick(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
            if (found is null)
            {
                if (Interlocked.Exchange(ref _warned, 1) == 0)
                {
                    NoAddress(logger);
                }

                return null;
            }

            Volatile.Write(ref _listening, found);
            return found;
        }
    }

    /// <summary>
    /// The address to call among those a server listens on: http before https (a certificate names the public host, not
    /// the loopback), loopback before any other; a wildcard (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) is reached
    /// on the loopback. Null when none is TCP.
    /// </summary>
    internal static Uri? Pick(IEnumerable<string> addresses)
    {
        Uri? best = null;
        var bestRank = int.MaxValue;
        foreach (var address in addresses)
        {
            BindingAddress binding;
            try
            {
                binding = BindingAddress.Parse(address);
            }
            catch (FormatException)
            {
                continue;
            }

            var https = string.Equals(binding.Scheme, "https", StringComparison.OrdinalIgnoreCase);
            if (binding.IsUnixPipe || binding.IsNamedPipe || (!https && !string.Equals(binding.Scheme, "http", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var (host, loopback) = Reachable(binding.Host, https);
            var rank = (https ? 2 : 0) + (loopback ? 0 : 1);
            if (rank < bestRank && Uri.TryCreate($"{(https ? "https" : "http")}://{host}:{binding.Port}/", UriKind.Absolute, out var uri))
            {
                (best, bestRank) = (uri, rank);
            }
        }

        return best;
    }

    private static (string Host, bool Loopback) Reachable(string host, bool https)
    {
        if (host is "+" or "*" or "0.0.0.0" or "[::]" or "::")
        {
            // Kestrel listens on every interface, the loopback included. The development certificate names localhost.
            return (https ? "localhost" : "127.0.0.1", true);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return (host, true);
        }

        return (host, IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The dashboard finds no TCP address this host listens on: set Dashboard:ApiBaseAddress so that it can reach the API.")]
    private static partial void NoAddress(ILogger logger);
}
