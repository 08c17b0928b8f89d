namespace Telematics.Scoring.Batch;

/// <summary>Progress of a batch, reported after each chunk.</summary>
/// <param name="Completed">Drivers finished so far (scored or failed).</param>
/// <param name="Total">Drivers in the batch.</param>
/// <param name="Failed">Drivers that failed so far.</param>
public readonly record struct BatchProgress(int Completed, int Total, int Failed);
