using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Microsoft.Playwright;

using Telematics.Testing;

namespace Telematics.Dashboard.Tests.Infrastructure;

/// <summary>
/// A host process on the fixture's database whose dashboard calls its own API and live hub through a <see cref="LoopbackRelay"/>
/// (<c>Dashboard:ApiBaseAddress</c>), so a test can take the API away from the dashboard while the browser's circuit
/// stays up. The live connection reconnects after 0, 2, 2 and 2 s, then is closed and tried again every 2 s. Tokens are
/// signed with a key the test knows, so that it can make one that expires within seconds (no clock skew allowed).
/// </summary>
public sealed class RelayedHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;
    private readonly string _signingKey;

    private RelayedHost(Process process, StringBuilder log, Uri baseAddress, LoopbackRelay relay, string signingKey)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        Relay = relay;
        _signingKey = signingKey;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The host's own address (the browser's; the relay is between the dashboard and the API only).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Calls the host's API directly, never through the relay.</summary>
    public HttpClient Http { get; }

    /// <summary>The relay the dashboard's calls go through.</summary>
    public LoopbackRelay Relay { get; }

    /// <summary>What the host wrote, for a failing test's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    internal static async Task<RelayedHost> StartAsync(string connectionString)
    {
        var port = DashboardHost.FreePort();
        var relay = new LoopbackRelay(new IPEndPoint(IPAddress.Loopback, port));
        var signingKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var log = new StringBuilder();
        var process = DashboardHost.StartHost(
            port,
            new Dictionary<string, string>
            {
                ["ConnectionStrings__Telematics"] = connectionString,
                ["Dashboard__ApiBaseAddress"] = $"http://127.0.0.1:{relay.Port}/",
                ["Dashboard__LiveReconnectDelays__0"] = "00:00:00",
                ["Dashboard__LiveReconnectDelays__1"] = "00:00:02",
                ["Dashboard__LiveReconnectDelays__2"] = "00:00:02",
                ["Dashboard__LiveReconnectDelays__3"] = "00:00:02",
                ["Auth__SigningKey"] = signingKey,
                ["Auth__ClockSkewSeconds"] = "0",
            },
            line =>
            {
                if (line is not null)
                {
                    lock (log)
                    {
                        log.AppendLine(line);
                    }
                }
            });
        var host = new RelayedHost(process, log, new Uri($"http://127.0.0.1:{port}/"), relay, signingKey);
        await DashboardHost.WaitUntilReadyAsync(process, host.Http, () => host.Log);
        return host;
    }

    /// <summary>A development token for a role, from this host.</summary>
    public async Task<string> TokenAsync(string role)
    {
        using var response = await Http.PostAsJsonAsync("api/v1/auth/token", new { subject = "relayed-test-" + role, role });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>
    /// A tab signed in as admin with a token that stops working 20 s from now (long enough to sign in and open the page on
    /// a loaded machine; the host allows no clock skew), on <paramref name="path"/>.
    /// </summary>
    public async Task<(DashboardTab Tab, DateTimeOffset Expires)> OpenWithExpiringTokenAsync(IBrowser browser, string path)
    {
        var expires = DateTimeOffset.UtcNow.AddSeconds(20);
        var tab = await DashboardTab.OpenAsync(browser, BaseAddress);
        await tab.SignInWithTokenAsync(MintToken("admin", expires));
        await tab.GoToAsync(path);
        return (tab, expires);
    }

    /// <summary>A token for <paramref name="role"/> signed with this host's key that stops working at <paramref name="expires"/>.</summary>
    public string MintToken(string role, DateTimeOffset expires)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["sub"] = "relayed-test-" + role,
            ["role"] = role,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iss"] = "telematics-dev",
            ["aud"] = "telematics-api",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = expires.ToUnixTimeSeconds(),
        }));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(_signingKey), Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + Base64Url(signature);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await Relay.DisposeAsync();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
