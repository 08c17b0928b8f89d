using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

using Microsoft.Playwright;

using Telematics.Testing;

namespace Telematics.Dashboard.Tests.Infrastructure;

/// <summary>
/// The reference host as a user runs it — its own process on a loopback port, Development environment, serving the shipped
/// model, on a fresh database seeded and scored by the <c>telematics</c> CLI — and a headless Chromium (Debian's package,
/// which ./test.sh installs where missing; <c>TELEMATICS_CHROMIUM</c> names another executable).
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly StringBuilder _hostLog = new();
    private Process? _host;
    private Task<RelayedHost>? _relayed;
    private IPlaywright? _playwright;

    /// <summary>The host's address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The browser the tests open pages in.</summary>
    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Calls the API without a token.</summary>
    public HttpClient Http { get; private set; } = default!;

    /// <summary>A host name only the tests' browser resolves (to the host's loopback); the started host allows it.</summary>
    internal const string ForeignHostName = "telematics-dashboard.test";

    /// <summary>The seeded drivers' ids, in order.</summary>
    public IReadOnlyList<long> DriverIds { get; private set; } = [];

    public async Task InitializeAsync()
    {
        // TELEMATICS_DASHBOARD_URL measures a running host instead, e.g. ./run.sh's on its demo book (the tests that upload
        // add a driver to it): scripts/perf/dashboard-on-demo.sh.
        if (Environment.GetEnvironmentVariable("TELEMATICS_DASHBOARD_URL") is { Length: > 0 } running)
        {
            BaseAddress = new Uri(running.TrimEnd('/') + "/");
            Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        }
        else
        {
            await _database.InitializeAsync();
            await RunCliAsync("migrate", "--connection", _database.ConnectionString);
            await RunCliAsync("seed", "--drivers", "4", "--days", "14", "--seed", "7", "--connection", _database.ConnectionString);
            // The shipped frequency model and, by default for it, the relativity plan, as ./run.sh's demo serves them: premiums
            // priced by age band, vehicle class and the model's frequency against the cell's mean.
            await RunCliAsync("batch-score", "--all", "--shipped-model", "--connection", _database.ConnectionString);

            var port = FreePort();
            BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            _host = StartHost(port, new Dictionary<string, string> { ["ConnectionStrings__Telematics"] = _database.ConnectionString }, Append);
            Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            await WaitUntilReadyAsync(_host, Http, () => HostLog);
        }

        DriverIds = await ListDriverIdsAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            // Root in CI: Chromium's sandbox needs user namespaces that a container may not have.
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_relayed is { IsCompletedSuccessfully: true })
        {
            await _relayed.Result.DisposeAsync();
        }

        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync();
        }

        _host?.Dispose();
        if (_host is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>
    /// A second host on this fixture's database whose dashboard reaches its own API and live hub through a
    /// <see cref="LoopbackRelay"/> that a test can cut; started on first use, kept for every test. Refused on a running host
    /// (<c>TELEMATICS_DASHBOARD_URL</c>), whose database the fixture does not know.
    /// </summary>
    public Task<RelayedHost> RelayedHostAsync()
    {
        if (_host is null)
        {
            throw new InvalidOperationException(
                "This test starts a host of its own on the fixture's database, which a running host (TELEMATICS_DASHBOARD_URL) does not share; unset it to run the test.");
        }

        lock (_hostLog)
        {
            return _relayed ??= RelayedHost.StartAsync(_database.ConnectionString);
        }
    }

    /// <summary>Another headless Chromium with extra command-line switches (closed by the caller).</summary>
    public Task<IBrowser> LaunchBrowserAsync(params string[] switches) =>
        _playwright!.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", .. switches],
        });

    /// <summary>A development token for a role (the host runs in Development).</summary>
    public async Task<string> TokenAsync(string role, long? driverId = null)
    {
        using var response = await Http.PostAsJsonAsync(
            "api/v1/auth/token", new { subject = "browser-test-" + role, role, driverId = driverId?.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>GET an API path with a token, as JSON.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>POST a JSON body to an API path with a token; the answer as JSON.</summary>
    public async Task<JsonElement> PostJsonAsync(string path, object body, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Puts an experiment's definition (JSON, as <c>PUT /api/v1/experiments/{name}</c> takes it) with a token; the answer as JSON.</summary>
    public async Task<JsonElement> PutExperimentAsync(string name, string definitionJson, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/experiments/" + name)
        {
            Content = new StringContent(definitionJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT experiment {name}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Uploads a CSV of events for a driver through <c>POST /api/v1/telematics/events</c>.</summary>
    public async Task UploadCsvAsync(long driverId, string csv, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/telematics/events?driverId={driverId}")
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Simulates one driver's last <paramref name="days"/> days, up to yesterday, with the CLI and returns the events file's text.</summary>
    public async Task<string> SynthesiseCsvAsync(int days, int seed)
    {
        var directory = Directory.CreateTempSubdirectory("dashboard-synth-");
        try
        {
            var first = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-days);
            await RunCliAsync("synth", "--drivers", "1", "--days", days.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--start", first.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "--output", directory.FullName);
            var csv = await File.ReadAllTextAsync(Directory.GetFiles(directory.FullName, "D*.csv").Single());
            Assert.True(csv.Count(c => c == '\n') > 1, "the simulated driver did not drive");
            return csv;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Runs the CLI on this fixture's database (<c>--connection</c> is appended), for what only the CLI stores, such as the
    /// shadow scores of <c>batch-score --experiment</c>. Refused on a running host (<c>TELEMATICS_DASHBOARD_URL</c>): its
    /// database is not the fixture's to write, nor known to it.
    /// </summary>
    public Task RunCliOnDatabaseAsync(params string[] arguments)
    {
        if (_host is null)
        {
            throw new InvalidOperationException(
                "This test runs the CLI on the host's database, which a running host (TELEMATICS_DASHBOARD_URL) does not share; unset it to run the test.");
        }

        return RunCliAsync([.. arguments, "--connection", _database.ConnectionString]);
    }

    /// <summary>What the host wrote, for a failing test's message.</summary>
    public string HostLog
    {
        get
        {
            lock (_hostLog)
            {
                return _hostLog.ToString();
            }
        }
    }

    private static string ChromiumPath()
    {
        var path = Environment.GetEnvironmentVariable("TELEMATICS_CHROMIUM") is { Length: > 0 } given ? given : "/usr/bin/chromium";
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"No Chromium at {path}: run ./test.sh (it installs Debian's chromium) or set TELEMATICS_CHROMIUM.");
    }

    /// <summary>A free TCP port on the loopback.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunCliAsync(params string[] arguments)
    {
        var (exit, output, error) = await ChildProcess.RunAsync("dotnet", [RepositoryPaths.CliDll, .. arguments]);
        Assert.True(exit == 0, $"telematics {arguments[0]} exited {exit}: {error} {output}");
    }

    /// <summary>Starts the built host on <paramref name="port"/> in Development, with <paramref name="settings"/> as environment variables.</summary>
    internal static Process StartHost(int port, IReadOnlyDictionary<string, string> settings, Action<string?> log)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(RepositoryPaths.HostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(RepositoryPaths.HostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Scoring__Model"] = "shipped";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The host answers only the names it is told (AllowedHosts, loopback by default): HostAddressBrowserTests opens it
        // under a name of its own, as a deployment lists its public name.
        start.Environment["AllowedHosts"] = "localhost;127.0.0.1;[::1];" + ForeignHostName;
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var host = Process.Start(start)!;
        host.OutputDataReceived += (_, line) => log(line.Data);
        host.ErrorDataReceived += (_, line) => log(line.Data);
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        return host;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_hostLog)
            {
                _hostLog.AppendLine(line);
            }
        }
    }

    /// <summary>Waits until <paramref name="host"/> answers its readiness check.</summary>
    internal static async Task WaitUntilReadyAsync(Process host, HttpClient http, Func<string> log)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (host.HasExited)
            {
                throw new InvalidOperationException("The host exited: " + log());
            }

            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("The host was not ready within 90 s: " + log());
    }

    private async Task<IReadOnlyList<long>> ListDriverIdsAsync()
    {
        var page = await GetJsonAsync("api/v1/drivers?pageSize=50", await TokenAsync("admin"));
        return [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("driverId").GetInt64())];
    }
}
