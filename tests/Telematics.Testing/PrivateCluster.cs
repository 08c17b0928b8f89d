using System.Diagnostics;

namespace Telematics.Testing;

/// <summary>
/// A PostgreSQL cluster of the test's own, started and stopped through <c>scripts/pg.sh</c> under its own name, for
/// tests that stop and restart the server under a running client (never the shared cluster of <c>./test.sh</c>).
/// </summary>
public sealed class PrivateCluster
{
    private readonly string _script;

    /// <summary>A cluster named <paramref name="name"/> (lower-case letters, digits, - or _) of this checkout.</summary>
    public PrivateCluster(string name)
    {
        Name = name;
        _script = Path.Combine(RepositoryRoot(), "scripts", "pg.sh");
    }

    /// <summary>The cluster's name under <c>.pg/</c>.</summary>
    public string Name { get; }

    /// <summary>Starts the cluster (creating it the first time) and returns its connection string.</summary>
    public async Task<string> StartAsync() => (await RunAsync("start")).Trim();

    /// <summary>Stops the server (fast shutdown: connected clients get SQLSTATE 57P01) and waits until it is gone.</summary>
    public Task StopAsync() => RunAsync("stop");

    /// <summary>Stops the cluster and deletes its files.</summary>
    public Task DestroyAsync() => RunAsync("destroy");

    private async Task<string> RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(Name);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/pg.sh {command} {Name} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "pg.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("scripts/pg.sh was not found above " + AppContext.BaseDirectory);
    }
}
