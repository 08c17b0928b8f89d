using Microsoft.Extensions.Logging;

namespace Telematics.Dashboard.Live;

/// <summary>Log events of <see cref="LiveUpdates"/>.</summary>
internal static partial class LiveUpdatesLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "The live hub refused to watch a driver for this user; the view goes on without live updates.")]
    public static partial void Refused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live updates could not connect to the hub ({Failure}); trying again.")]
    public static partial void ConnectFailed(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live connection was lost and did not come back; trying again.")]
    public static partial void ConnectionClosed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The live hub refused the session's token (expired or no longer valid); live updates stop until the user signs in again.")]
    public static partial void TokenRefused(ILogger logger);
}
