namespace Telematics.Storage.Postgres.Audit;

/// <summary>How far the stored anchors cover the audit log, as recorded (nothing is verified: see <see cref="AuditLog.VerifyAsync"/>).</summary>
/// <param name="AnchoredThroughSeq">The row the newest anchor covers the log through; 0 when there is no anchor.</param>
/// <param name="NewestAnchorAt">When the newest anchor was signed; <see langword="null"/> when there is none.</param>
/// <param name="OldestUnanchoredAt">When the first row after <paramref name="AnchoredThroughSeq"/> was written; <see langword="null"/> when every row is covered.</param>
public sealed record AuditAnchorCoverage(long AnchoredThroughSeq, DateTimeOffset? NewestAnchorAt, DateTimeOffset? OldestUnanchoredAt)
{
    /// <summary>Whether a row older than <paramref name="maxAge"/> at <paramref name="now"/> is not covered by an anchor.</summary>
    /// <param name="now">The time to judge at.</param>
    /// <param name="maxAge">How old an uncovered row may be.</param>
    /// <returns><see langword="true"/> when such a row exists.</returns>
    public bool IsStale(DateTimeOffset now, TimeSpan maxAge) => OldestUnanchoredAt is { } oldest && now - oldest > maxAge;
}
