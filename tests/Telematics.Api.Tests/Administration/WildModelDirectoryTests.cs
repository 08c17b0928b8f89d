using System.Net;
using System.Text.Json;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Tests.TestModels;
using Telematics.Testing;
using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Administration;

/// <summary>
/// A model directory as users fill it — a good model beside exports the SDK must refuse — never stops the host: it starts,
/// names each refusal on <c>GET /models</c>, scores with the good model, and keeps doing so when a bad package arrives later.
/// </summary>
public sealed class WildModelDirectoryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly Uri Models = new("/api/v1/models", UriKind.Relative);
    private readonly TestPackages _packages = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _packages.Dispose();

    private void Write(string name, byte[] model, string output) =>
        _packages.WriteFolder(Path.Combine("models", name, "1"), MutatedPackages.Manifest(name, output), model);

    private static string[] Failures(JsonElement catalog) =>
        [.. catalog.GetProperty("loadFailures").EnumerateArray().Select(f => f.GetProperty("message").GetString()!)];

    [Fact]
    public async Task The_host_starts_serves_the_good_model_and_names_the_refused_exports()
    {
        Write("good", MutatedPackages.Good, "output_probability");
        Write("fixed-batch", WildOnnxModels.FixedBatchTreeRegressor(1), "variable");
        Write("huge-batch", WildOnnxModels.FixedBatchTreeRegressor(1_000_000_000), "variable");
        Write("map-input", WildOnnxModels.MapInput(), "variable");
        var driver = await DriverWithTripsAsync(database, "wild-models", 6, nightShare: 0.3f, harshPer100Km: 4);
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("Scoring:ModelDirectory", _packages.ModelsRoot).With("Scoring:DefaultModel", "good");
        using var admin = host.ClientAs(TestTokens.Admin());

        var catalog = await ProblemAssert.JsonAsync(await admin.GetAsync(Models));
        using var recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);
        var body = await ProblemAssert.JsonAsync(recalculated);

        Assert.Equal("good@1", catalog.GetProperty("defaultModel").GetString());
        var served = catalog.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToArray();
        Assert.Equal(["builtin-rules", "fixed-batch", "good"], served.Order(StringComparer.Ordinal));
        var failures = Failures(catalog);
        Assert.Equal(2, failures.Length);
        Assert.Contains(failures, f => f.Contains("map-input@1", StringComparison.Ordinal) && f.Contains("is a map int64→float", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("huge-batch@1", StringComparison.Ordinal) && f.Contains("fixed batch dimension", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        Assert.Equal("good", body.GetProperty("score").GetProperty("model").GetString());

        // An analyst reads the same refusals without the server's model directory in them.
        using var analyst = host.ClientAs(TestTokens.Analyst());
        var seen = await ProblemAssert.JsonAsync(await analyst.GetAsync(Models));
        Assert.Equal(2, Failures(seen).Length);
        Assert.Contains(Failures(seen), f => f.Contains("map-input@1", StringComparison.Ordinal));
        Assert.DoesNotContain(_packages.ModelsRoot, seen.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_package_arriving_while_the_host_runs_is_refused_and_the_good_model_keeps_serving()
    {
        Write("good", MutatedPackages.Good, "output_probability");
        var driver = await DriverWithTripsAsync(database, "wild-models-reload", 6);
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString)
            .With("Scoring:ModelDirectory", _packages.ModelsRoot).With("Scoring:DefaultModel", "good");
        using var admin = host.ClientAs(TestTokens.Admin());
        Assert.Empty(Failures(await ProblemAssert.JsonAsync(await admin.GetAsync(Models))));

        Write("cyclic", WildOnnxModels.Cyclic(), "variable");
        string[] failures = [];
        // Up to 30 s: the reload follows a file watcher, which a loaded CI machine (the browser tests run beside) delays.
        for (var attempt = 0; attempt < 300 && failures.Length == 0; attempt++)
        {
            await Task.Delay(100);
            failures = Failures(await ProblemAssert.JsonAsync(await admin.GetAsync(Models)));
        }

        using var recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);
        var body = await ProblemAssert.JsonAsync(recalculated);
        Assert.Contains("cyclic@1", Assert.Single(failures), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        Assert.Equal("good", body.GetProperty("score").GetProperty("model").GetString());
    }
}
