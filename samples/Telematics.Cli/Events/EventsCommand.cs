using System.CommandLine;

namespace Telematics.Cli.Events;

/// <summary><c>telematics events detect|simulate</c>: manoeuvres and phone handling from phone sensor recordings.</summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var command = new Command("events", "Driving events from phone sensor recordings (accelerometer and gyroscope in any mounting or the Earth frame).");
        command.Subcommands.Add(DetectCommand.Create());
        command.Subcommands.Add(SimulateCommand.Create());
        return command;
    }
}
