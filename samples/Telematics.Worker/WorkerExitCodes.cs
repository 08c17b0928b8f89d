namespace Telematics.Worker;

/// <summary>The worker process's exit codes (README.md).</summary>
internal static class WorkerExitCodes
{
    /// <summary>Stopped as asked (SIGTERM, Ctrl+C).</summary>
    public const int Stopped = 0;

    /// <summary>A worker or the outbox relay failed for a reason it does not wait out, and stopped the process.</summary>
    public const int Failed = 1;
}
