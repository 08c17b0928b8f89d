namespace Telematics.Storage.Postgres.Audit;

/// <summary>Outcome of recomputing the audit chain and checking its signed anchors.</summary>
/// <param name="IsIntact"><see langword="true"/> when every row hash and every anchor checks out.</param>
/// <param name="Length">Number of rows read (the sequence number of the last row when intact).</param>
/// <param name="HeadHash">Recomputed hash of the last row read; 32 zero bytes for an empty log.</param>
/// <param name="AnchorsChecked">Number of anchors whose signature and head hash were checked.</param>
/// <param name="FirstBrokenSeq">Sequence number of the first row (or anchored row) that does not check out; <see langword="null"/> when intact.</param>
/// <param name="Problem">What is wrong at <paramref name="FirstBrokenSeq"/>, in one sentence; <see langword="null"/> when intact.</param>
public sealed record AuditVerification(
    bool IsIntact,
    long Length,
    ReadOnlyMemory<byte> HeadHash,
    int AnchorsChecked,
    long? FirstBrokenSeq,
    string? Problem)
{
    /// <summary>The verdict in one line, e.g. <c>audit log intact: 42 rows, head 3fa9…, 2 anchors verified</c>.</summary>
    /// <returns>The summary line.</returns>
    public override string ToString() => IsIntact
        ? $"audit log intact: {Length} rows, head {Convert.ToHexStringLower(HeadHash.Span)}, {AnchorsChecked} anchors verified"
        : $"audit log BROKEN at row {FirstBrokenSeq}: {Problem}";
}
