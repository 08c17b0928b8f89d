using Microsoft.Extensions.Logging;

namespace Telematics.Scoring.Diagnostics;

/// <summary>Log messages of Telematics.Scoring with stable event ids (1xx registry, 2xx scoring).</summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "Loaded model {Model}@{Version} from {Source}")]
    public static partial void ModelLoaded(ILogger logger, string model, string version, string source);

    [LoggerMessage(102, LogLevel.Error, "Failed to load the model package at {Path}; the serving version stays in place")]
    public static partial void ModelLoadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "Alias problem for model {Model}: {Problem}")]
    public static partial void AliasProblem(ILogger logger, string model, string problem);

    [LoggerMessage(104, LogLevel.Information, "Model registry generation {Generation}: {Loaded} loaded, {Unchanged} unchanged, {Removed} removed, {Failed} failed")]
    public static partial void ReloadCompleted(ILogger logger, long generation, int loaded, int unchanged, int removed, int failed);

    [LoggerMessage(105, LogLevel.Error, "Model registry reload after a file change failed")]
    public static partial void WatchReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(201, LogLevel.Warning, "Scoring driver {DriverId} with {Model}@{Version} failed")]
    public static partial void ScoreFailed(ILogger logger, string driverId, string model, string version, Exception exception);

    [LoggerMessage(202, LogLevel.Warning, "Shadow variant {Variant} of experiment {Experiment} failed for driver {DriverId}; the served score is unaffected")]
    public static partial void ShadowFailed(ILogger logger, string experiment, string variant, string driverId, Exception exception);
}
