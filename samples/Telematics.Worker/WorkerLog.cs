using Microsoft.Extensions.Logging;

namespace Telematics.Worker;

internal static partial class WorkerLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "The database is not reachable yet ({Reason}); migrating again in 2 s.")]
    public static partial void DatabaseNotReady(ILogger logger, string reason);
}
