namespace Telematics.Scoring.Batch;

/// <summary>A driver of a batch that could not be scored.</summary>
/// <param name="Index">Position of the driver in the input.</param>
/// <param name="DriverId">The driver's identifier.</param>
/// <param name="Message">What went wrong.</param>
public sealed record BatchScoreFailure(int Index, string DriverId, string Message);
