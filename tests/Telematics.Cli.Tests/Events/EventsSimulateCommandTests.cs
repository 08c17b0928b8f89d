using System.CommandLine;

namespace Telematics.Cli.Tests.Events;

/// <summary><c>events simulate</c> writes its files whole or not at all.</summary>
public sealed class EventsSimulateCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("telematics-simulate-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_cancelled_run_leaves_no_sensor_file_and_no_truth()
    {
        var trip = Path.Combine(_root, "trip");
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        var exit = await CliApp.InvokeAsync(["events", "simulate", "--output", trip, "--seed", "4"], new InvocationConfiguration { Output = new StringWriter(), Error = new StringWriter() }, stop.Token);

        Assert.Equal(ExitCodes.Cancelled, exit);
        Assert.Empty(Directory.Exists(trip) ? Directory.GetFileSystemEntries(trip) : []);
    }
}
