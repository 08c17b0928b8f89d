namespace Telematics.Api.Scoring;

/// <summary>Log events of the risk and pricing endpoints (ids 600–699). Never positions, only ids and figures.</summary>
internal static partial class RiskLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Driver {DriverId} rescored over {PeriodDays} days: score {Score:0.##} by {Model}@{Version}")]
    public static partial void Rescored(ILogger logger, long driverId, int periodDays, double score, string model, string version);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Batch of {Count} drivers over {PeriodDays} days: {Scored} scored, {Failures} not scored")]
    public static partial void BatchScored(ILogger logger, int count, int periodDays, int scored, int failures);

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "Driver {DriverId} repriced: {Premium} {Currency}")]
    public static partial void Repriced(ILogger logger, long driverId, decimal premium, string currency);
}
