using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Telematics.Api.Endpoints;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>The reference host in-process, with a known signing key and per-test settings, services and test-only routes.</summary>
internal sealed class ApiHost : WebApplicationFactory<Program>
{
    public const string SigningKey = "api-tests-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    public const string Issuer = "telematics-dev";
    public const string Audience = "telematics-api";

    private readonly string _environment;
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);
    private readonly List<Action<IServiceCollection>> _services = [];
    private TimeSpan _startDelay;

    public ApiHost(string environment = "Development", bool withSigningKey = true)
    {
        _environment = environment;
        if (withSigningKey)
        {
            _settings["Auth:SigningKey"] = SigningKey;
        }

        // On real Kestrel (UseKestrel(0)) a port of the system's choosing: without it Kestrel falls back to
        // 127.0.0.1:5000, and two test classes on Kestrel at once collide. The test server ignores it.
        _settings["urls"] = "http://127.0.0.1:0";

        // No database unless a test asks for one: only readiness consults it.
        _settings["ConnectionStrings:Telematics"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Timeout=1";
    }

    public ApiHost With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    public ApiHost WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Makes the test thread wait <paramref name="delay"/> between building the host and starting it, as on a loaded machine.</summary>
    public ApiHost DelayStartBy(TimeSpan delay)
    {
        _startDelay = delay;
        return this;
    }

    /// <summary>Adds test-only routes under <c>/api/v1</c>; the product host never maps them.</summary>
    public ApiHost WithRoutes(Action<RouteGroupBuilder> map) =>
        WithServices(services => services.Configure<ApiRouteOptions>(options => options.AdditionalRoutes.Add(map)));

    public HttpClient ClientAs(string? token)
    {
        // On real Kestrel (UseKestrel + StartServer) the client must go to the address the server bound.
        var bound = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var client = CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = bound is not null ? new Uri(bound) : ClientOptions.BaseAddress,
        });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>
    /// Builds and starts the host like the factory does, but lets the app's entry point start it only once the test
    /// thread has subscribed to the start (see <see cref="GatedHostLifetime"/>): a host that fails to start then
    /// reports its own error here, never an <see cref="ObjectDisposedException"/> from having been disposed first.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        builder.ConfigureServices(services => GatedHostLifetime.Install(services, gate.Task));
        var host = builder.Build();
        if (_startDelay > TimeSpan.Zero)
        {
            Thread.Sleep(_startDelay);
        }

        // The factory's host subscribes to the app's start synchronously, before its first await; only then may the
        // entry point (already running on its own thread, held in WaitForStartAsync) start, fail and dispose the host.
        Task started;
        try
        {
            started = host.StartAsync();
        }
        finally
        {
            gate.TrySetResult();
        }

        started.GetAwaiter().GetResult();
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }
}
