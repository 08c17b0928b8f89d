using System.Diagnostics;

namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>
/// A private NATS JetStream server (or 3-node cluster) started through <c>scripts/nats.sh</c> for one test class and
/// destroyed afterwards; the script installs nats-server where it is missing.
/// </summary>
public class NatsServer : IAsyncLifetime
{
    private readonly int _nodes;

    /// <summary>A single node.</summary>
    public NatsServer()
        : this(1)
    {
    }

    /// <summary>A server of <paramref name="nodes"/> nodes (1 or 3).</summary>
    protected NatsServer(int nodes) => _nodes = nodes;

    /// <summary>The server's name in <c>.nats/</c>.</summary>
    public string Name { get; } = "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The client URL (every node, comma-separated, with credentials).</summary>
    public string Url { get; private set; } = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        Url = (await ScriptAsync("start", Name, _nodes.ToString(System.Globalization.CultureInfo.InvariantCulture))).Trim();

    /// <inheritdoc />
    public Task DisposeAsync() => ScriptAsync("destroy", Name);

    /// <summary>Stops every node (as an outage does), or node <paramref name="node"/> only (1-based).</summary>
    public Task StopAsync(int? node = null) =>
        node is { } n ? ScriptAsync("stop", Name, n.ToString(System.Globalization.CultureInfo.InvariantCulture)) : ScriptAsync("stop", Name);

    /// <summary>SIGKILL (<c>kill -9</c>) of node <paramref name="node"/> (1-based): a crash, not nats.sh's orderly stop.</summary>
    public void KillNode(int node)
    {
        var pidFile = Path.Combine(Repository.Root, ".nats", Name, "node" + node.ToString(System.Globalization.CultureInfo.InvariantCulture), "nats.pid");
        using var process = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Runs <c>scripts/nats.sh</c> with the arguments and returns its standard output.</summary>
    public static async Task<string> ScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "scripts", "nats.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"nats.sh {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}");
        return await output;
    }
}

/// <summary>A 3-node JetStream cluster.</summary>
public sealed class NatsCluster : NatsServer
{
    /// <summary>Three nodes.</summary>
    public NatsCluster()
        : base(3)
    {
    }
}

/// <summary>Where the checkout is.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Telematics.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Telematics.sln not found above the test binaries.");
    }
}
