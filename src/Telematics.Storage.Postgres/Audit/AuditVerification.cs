namespace Telematics.Storage.Postgres.Audit;

/// <summary>Outcome of recomputing the audit chain and checking its signed anchors.</summary>
/// <param name="IsIntact"><see langword="true"/> when every row hash and every anchor checks out.</param>
/// <param name="Length">Number of rows read (the sequence number of the last row when intact).</param>
/// <param name="HeadHash">Recomputed hash of the last row read; 32 zero bytes for an empty log.</param>
/// <param name="AnchorsChecked">Number of anchors whose head hash (and, with a key, signature) was checked.</param>
/// <param name="FirstBrokenSeq">Sequence number of the first row (or anchored row) that does not check out; <see langword="null"/> when intact or when the problem is not a row's (an unreadable journal).</param>
/// <param name="Problem">What is wrong at <paramref name="FirstBrokenSeq"/>, in one sentence; <see langword="null"/> when intact.</param>
public sealed record AuditVerification(
    bool IsIntact,
    long Length,
    ReadOnlyMemory<byte> HeadHash,
    int AnchorsChecked,
    long? FirstBrokenSeq,
    string? Problem)
{
    /// <summary>Whether the anchors' signatures were checked (a key was given); without, only their head hashes.</summary>
    public bool SignaturesChecked { get; init; }

    /// <summary>The row the newest anchor that checked out covers the log through; 0 when none did.</summary>
    public long AnchoredThroughSeq { get; init; }

    /// <summary>
    /// Anchors whose signature no given key can check (a key not among <see cref="AuditVerifyOptions.Key"/> and
    /// <see cref="AuditVerifyOptions.PreviousKeys"/>, or a row with a bad signature that anchoring skips): their head hashes
    /// match the chain, but they do not count as covering it.
    /// </summary>
    public int UnverifiableAnchors { get; init; }

    /// <summary>Anchors of the journal outside the database found in <c>audit_anchors</c> unchanged; 0 without a journal.</summary>
    public int JournalAnchorsChecked { get; init; }

    /// <summary>
    /// <see langword="true"/> when the chain checks out but rows older than <see cref="AuditVerifyOptions.MaxUnanchoredAge"/>
    /// are not covered by an anchor, so the log cannot be called intact.
    /// </summary>
    public bool IsUnanchored { get; init; }

    /// <summary>The verdict in one line, e.g. <c>audit log intact: 42 rows, head 3fa9…, 2 anchors verified</c>.</summary>
    /// <returns>The summary line.</returns>
    public override string ToString()
    {
        if (!IsIntact)
        {
            return IsUnanchored ? $"audit log NOT PROVEN from row {FirstBrokenSeq}: {Problem}"
                : FirstBrokenSeq is { } seq ? $"audit log BROKEN at row {seq}: {Problem}"
                : $"audit log NOT VERIFIED: {Problem}";
        }

        var anchors = SignaturesChecked ? $"{AnchorsChecked} anchors verified" : $"{AnchorsChecked} anchors matched (signatures not checked)";
        anchors += UnverifiableAnchors > 0 ? $" ({UnverifiableAnchors} of them unverifiable: no known key checks them)" : string.Empty;
        var journal = JournalAnchorsChecked > 0 ? $", {JournalAnchorsChecked} found in the journal" : string.Empty;
        var tail = AnchorsChecked > 0 && AnchoredThroughSeq < Length ? $"; rows {AnchoredThroughSeq + 1}–{Length} not yet anchored" : string.Empty;
        return $"audit log intact: {Length} rows, head {Convert.ToHexStringLower(HeadHash.Span)}, {anchors}{journal}{tail}";
    }
}
