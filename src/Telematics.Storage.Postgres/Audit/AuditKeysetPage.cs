namespace Telematics.Storage.Postgres.Audit;

/// <summary>One page of <see cref="AuditReader.ReadAfterAsync"/>: rows newest first and where the next page starts.</summary>
/// <param name="Items">The rows, highest seq first; at most the page size.</param>
/// <param name="NextAfterSeq">
/// The seq of the last row, to pass as <c>afterSeq</c> for the next page; <see langword="null"/> when no matching row follows.
/// </param>
public sealed record AuditKeysetPage(IReadOnlyList<AuditEntry> Items, long? NextAfterSeq);
