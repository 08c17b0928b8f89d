using System.Net;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>One row of the audit log as <see cref="AuditReader"/> returns it.</summary>
/// <param name="Seq">Position in the chain, from 1.</param>
/// <param name="OccurredAt">When the mutation was committed (UTC).</param>
/// <param name="Actor">Who did it, e.g. <c>api:alice</c>.</param>
/// <param name="Action">What was done, e.g. <c>model.promote</c>.</param>
/// <param name="Resource">What it was done to, e.g. <c>model/risk-gbm</c>.</param>
/// <param name="BeforeJson">State before, as JSON text; <see langword="null"/> when none was recorded.</param>
/// <param name="AfterJson">State after, as JSON text; <see langword="null"/> when none was recorded.</param>
/// <param name="Ip">Client address, when the mutation came over the network.</param>
public sealed record AuditEntry(long Seq, DateTimeOffset OccurredAt, string Actor, string Action, string Resource, string? BeforeJson, string? AfterJson, IPAddress? Ip)
{
    /// <summary>
    /// When an erasure removed the row's before and after (they are <see langword="null"/> then; the chain keeps their
    /// digests); <see langword="null"/> for a row that holds what it recorded.
    /// </summary>
    public DateTimeOffset? RedactedAt { get; init; }
}
