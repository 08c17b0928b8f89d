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

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Rebuilding the state of {Pending} trips stored before trips kept one.")]
    public static partial void TripStatesBackfilling(ILogger logger, long pending);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Trip states rebuilt: {Rebuilt} ({Changed} with features rewritten from their events); {Unrecoverable} trips have no stored events to rebuild them from.")]
    public static partial void TripStatesBackfilled(ILogger logger, long rebuilt, long changed, long unrecoverable);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Rebuilding trip states is waiting for PostgreSQL: {Reason}")]
    public static partial void TripStatesWaiting(ILogger logger, string reason);
}
