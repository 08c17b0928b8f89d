namespace Telematics.Api.Administration;

/// <summary>Log events of the model, experiment and admin endpoints (event ids 7000–7099).</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Model {Model} alias {Alias} moved from {Before} to {After} by {Actor}.")]
    public static partial void ModelPromoted(ILogger logger, string model, string alias, string before, string after, string actor);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Experiment {Experiment} was {Change} by {Actor}; it serves new scores now.")]
    public static partial void ExperimentSaved(ILogger logger, string experiment, string change, string actor);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Loaded {Count} stored experiments into the scorer.")]
    public static partial void ExperimentsLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Stored experiment {Experiment} is not served: {Reason}")]
    public static partial void StoredExperimentSkipped(ILogger logger, string experiment, string reason);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "Stored experiments could not be read: {Reason}")]
    public static partial void ExperimentsUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Audit log verified by {Actor}: {Verdict}")]
    public static partial void AuditVerified(ILogger logger, string actor, string verdict);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Error, Message = "Loading the stored experiments failed; it is tried again shortly.")]
    public static partial void ExperimentsLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "Audit anchor signed through row {Seq} (key {KeyId}).")]
    public static partial void AuditAnchored(ILogger logger, long seq, string keyId);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Critical, Message = "The audit chain does not verify, so no anchor was signed: {Reason}")]
    public static partial void AuditAnchorRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "Audit anchoring failed and is retried at the next interval: {Reason}")]
    public static partial void AuditAnchorFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Error, Message = "Scheduled audit anchoring is off: {Reason}")]
    public static partial void AuditAnchoringOff(ILogger logger, string reason);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Driver {DriverId} erased: {Batches} raw batches deleted from the event streams")]
    public static partial void StreamedBatchesErased(ILogger logger, long driverId, int batches);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Error, Message = "Driver {DriverId} erased, but its raw batches on the event streams could not be deleted ({Error}); they age out after Nats:Ingest:MaxAge")]
    public static partial void StreamedBatchesNotErased(ILogger logger, long driverId, string error);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Error, Message = "Audit verification refused: the anchor journal cannot be read ({Error})")]
    public static partial void AuditJournalUnreadable(ILogger logger, string error);

    [LoggerMessage(EventId = 7014, Level = LogLevel.Error, Message = "Audit verification refused: {Problem}")]
    public static partial void AuditKeyUnusable(ILogger logger, string problem);
}
