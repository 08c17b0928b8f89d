using System.Diagnostics;

namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>
/// samples/Telematics.Worker in a child process (built with this test project), so that a test can kill it with SIGKILL
/// mid-batch like a crashed machine: no shutdown code of the worker runs.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(string postgres, string nats, IEnumerable<string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "worker", "Telematics.Worker.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project copies samples/Telematics.Worker's output there.");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["TELEMATICS_PG"] = postgres;
        start.Environment["TELEMATICS_NATS"] = nats;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;

        // Drained, so that a chatty worker never blocks on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to exit by itself; its exit code, or null if it runs on.</summary>
    public int? WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout) ? _process.ExitCode : null;

    /// <summary>SIGKILL (<c>kill -9</c>): the process ends at once, whatever it was doing.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }
}
