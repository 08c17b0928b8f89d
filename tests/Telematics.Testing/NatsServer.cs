using System.Diagnostics;
using System.Globalization;

using Xunit;

namespace Telematics.Testing;

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
    public async Task InitializeAsync() => Url = (await ScriptAsync("start", Name, _nodes.ToString(CultureInfo.InvariantCulture))).Trim();

    /// <inheritdoc />
    public Task DisposeAsync() => ScriptAsync("destroy", Name);

    /// <summary>Stops every node (as an outage does), or node <paramref name="node"/> only (1-based).</summary>
    public Task StopAsync(int? node = null) =>
        node is { } n ? ScriptAsync("stop", Name, n.ToString(CultureInfo.InvariantCulture)) : ScriptAsync("stop", Name);

    /// <summary>Starts a stopped server again, on the same ports and store (clients holding <see cref="Url"/> reconnect).</summary>
    public async Task StartAgainAsync() => Assert.Equal(Url, (await ScriptAsync("start", Name)).Trim());

    /// <summary>SIGKILL (<c>kill -9</c>) of node <paramref name="node"/> (1-based): a crash, not nats.sh's orderly stop.</summary>
    public void KillNode(int node)
    {
        var pidFile = Path.Combine(RepositoryRoot.Path, ".nats", Name, "node" + node.ToString(CultureInfo.InvariantCulture), "nats.pid");
        using var process = Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture));
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Runs <c>scripts/nats.sh</c> with the arguments and returns its standard output; fails the test when it fails.</summary>
    public static async Task<string> ScriptAsync(params string[] arguments)
    {
        var (exit, output, error) = await ChildProcess.RunAsync("bash", [Path.Combine(RepositoryRoot.Path, "scripts", "nats.sh"), .. arguments]);
        Assert.True(exit == 0, $"nats.sh {string.Join(' ', arguments)} exited {exit}: {error}");
        return output;
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
