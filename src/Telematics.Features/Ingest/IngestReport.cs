namespace Telematics.Features.Ingest;

/// <summary>What a reader accepted and skipped so far; filled in <see cref="BadRecordHandling.SkipAndReport"/> mode.</summary>
/// <remarks>
/// Only the first <see cref="SampleReaderOptions.MaxReportedErrors"/> bad records are kept in <see cref="Errors"/>;
/// the rest are only counted in <see cref="RejectedCount"/>. Not thread-safe: read it between reads, not during one.
/// </remarks>
public sealed class IngestReport
{
    /// <summary>Longest raw-text excerpt kept for a bad record, in characters.</summary>
    public const int MaxExcerptLength = 120;

    private readonly List<IngestError> _errors = [];
    private readonly int _maxErrors;

    internal IngestReport(int maxErrors) => _maxErrors = maxErrors;

    /// <summary>Number of records turned into samples.</summary>
    public long AcceptedCount { get; private set; }

    /// <summary>Number of records skipped because they were bad, including those not kept in <see cref="Errors"/>.</summary>
    public long RejectedCount { get; private set; }

    /// <summary>The first bad records, in input order.</summary>
    public IReadOnlyList<IngestError> Errors => _errors;

    /// <summary><see langword="true"/> when more records were rejected than <see cref="Errors"/> holds.</summary>
    public bool IsTruncated => RejectedCount > _errors.Count;

    internal void Accepted() => AcceptedCount++;

    internal void AddAccepted(long count) => AcceptedCount += count;

    internal void Rejected(long record, string? field, string reason, ReadOnlySpan<byte> raw)
    {
        RejectedCount++;
        if (_errors.Count < _maxErrors)
        {
            _errors.Add(new IngestError(record, field, reason, Excerpt.Of(raw)));
        }
    }
}
