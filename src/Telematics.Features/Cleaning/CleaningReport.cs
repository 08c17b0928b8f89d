namespace Telematics.Features.Cleaning;

/// <summary>Counts of what <see cref="SampleCleaner"/> kept and dropped, per reason.</summary>
/// <param name="InputCount">Samples given to the cleaner.</param>
/// <param name="InvalidPositionCount">Samples dropped because the latitude or longitude was missing (NaN) or out of range.</param>
/// <param name="DuplicateCount">Samples dropped because an earlier sample had the same timestamp.</param>
/// <param name="OutOfOrderCount">Samples that arrived out of order (reordered, or dropped when too late or when <see cref="OutOfOrderHandling.Drop"/>).</param>
/// <param name="OutOfOrderDroppedCount">Out-of-order samples that were dropped rather than reordered.</param>
/// <param name="LowAccuracyCount">Samples dropped because their GPS accuracy was worse than the threshold.</param>
/// <param name="PositionJumpCount">
/// Samples dropped because reaching them implied an impossible speed and too few fixes after them agreed to make a new
/// track (<see cref="SampleCleaningOptions.NewTrackFixCount"/>). A fix held while that is undecided counts as kept in the
/// report of its chunk, and as a jump in the report of the chunk that drops it (fixes still held when the stream ends
/// count as kept but are never written out).
/// </param>
public readonly record struct CleaningReport(
    long InputCount,
    long InvalidPositionCount,
    long DuplicateCount,
    long OutOfOrderCount,
    long OutOfOrderDroppedCount,
    long LowAccuracyCount,
    long PositionJumpCount)
{
    /// <summary>Samples dropped for any reason.</summary>
    public long DroppedCount => InvalidPositionCount + DuplicateCount + OutOfOrderDroppedCount + LowAccuracyCount + PositionJumpCount;

    /// <summary>Samples kept.</summary>
    public long KeptCount => InputCount - DroppedCount;

    /// <summary>Share of input samples dropped, in [0, 1]; 0 when there was no input.</summary>
    public double DroppedShare => InputCount == 0 ? 0 : (double)DroppedCount / InputCount;

    /// <summary>Sum of two reports (for example of consecutive chunks).</summary>
    /// <param name="left">First report.</param>
    /// <param name="right">Second report.</param>
    public static CleaningReport operator +(CleaningReport left, CleaningReport right) => new(
        left.InputCount + right.InputCount,
        left.InvalidPositionCount + right.InvalidPositionCount,
        left.DuplicateCount + right.DuplicateCount,
        left.OutOfOrderCount + right.OutOfOrderCount,
        left.OutOfOrderDroppedCount + right.OutOfOrderDroppedCount,
        left.LowAccuracyCount + right.LowAccuracyCount,
        left.PositionJumpCount + right.PositionJumpCount);

    /// <summary>Same as the + operator.</summary>
    /// <param name="left">First report.</param>
    /// <param name="right">Second report.</param>
    public static CleaningReport Add(CleaningReport left, CleaningReport right) => left + right;
}
