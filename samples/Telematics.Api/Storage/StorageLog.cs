namespace Telematics.Api.Storage;

/// <summary>Log events of the host's storage wiring.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Storage migrations are current ({Applied} applied now).")]
    public static partial void MigrationsApplied(ILogger logger, int applied);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Storage migrations are waiting for PostgreSQL: {Reason}")]
    public static partial void MigrationsWaiting(ILogger logger, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Critical, Message = "Storage migrations were refused; the host will not become ready.")]
    public static partial void MigrationsRefused(ILogger logger, Exception exception);
}
