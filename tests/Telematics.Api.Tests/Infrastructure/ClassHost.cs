namespace Telematics.Api.Tests.Infrastructure;

/// <summary>
/// One host for a test class (use as <c>IClassFixture&lt;ClassHost&gt;</c>), started on first use and stopped after the
/// class's last test: the cases of a theory that only sends a request and reads its answer then start one host
/// between them rather than one each (a start costs about a second of CPU in CI).
/// </summary>
/// <remarks>
/// Only for tests whose answer does not depend on what the host has seen before: a validation problem, a header. A test
/// that reads what it wrote through the host's cache, spends a rate-limit budget, or checks the host's start, starts its own.
/// The host has the default settings of <see cref="ApiHost"/>, on the class's database when given one.
/// </remarks>
public sealed class ClassHost : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private ApiHost? _host;
    private object? _settings;

    /// <summary>The class's host without a database (readiness only consults one).</summary>
    internal ApiHost Get() => Get(connectionString: null);

    /// <summary>The class's host on <paramref name="connectionString"/>; every test of the class must pass the same one.</summary>
    internal ApiHost Get(string? connectionString) =>
        Start(connectionString ?? string.Empty, () => connectionString is null
            ? new ApiHost()
            : new ApiHost().With("ConnectionStrings:Telematics", connectionString));

    /// <summary>
    /// The class's host as <paramref name="create"/> makes it (test-only routes, say); every test of the class must pass
    /// the same method.
    /// </summary>
    internal ApiHost Get(Func<ApiHost> create) => Start(create.Method, create);

    private ApiHost Start(object settings, Func<ApiHost> create)
    {
        lock (_gate)
        {
            if (_host is null)
            {
                _host = create();
                _settings = settings;
            }
            else if (!Equals(_settings, settings))
            {
                throw new InvalidOperationException("The class's host was started with other settings: a test with settings of its own starts its own host.");
            }

            return _host;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
