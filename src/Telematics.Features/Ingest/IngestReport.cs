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

    /// <summary>Most distinct values <see cref="Warnings"/> lists; more are only counted in <see cref="WarningCount"/>.</summary>
    public const int MaxDistinctWarnings = 100;

    private readonly List<IngestError> _errors = [];
    private readonly List<IngestWarning> _warnings = [];
    private readonly List<byte[]> _warnedValues = [];
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

    /// <summary>Values read as missing that are worth telling (a road class the mapping does not know), once per field and distinct text, in order of first appearance.</summary>
    public IReadOnlyList<IngestWarning> Warnings => _warnings;

    /// <summary>Number of records read with a value listed in <see cref="Warnings"/> (or beyond its cap).</summary>
    public long WarningCount { get; private set; }

    internal void Accepted() => AcceptedCount++;

    /// <summary>Counts a warned value; adds it to <see cref="Warnings"/> the first time (the only allocation), else bumps its count.</summary>
    internal void Warned(long record, string field, ReadOnlySpan<byte> value, string reason, System.Text.Encoding? encoding = null)
    {
        WarningCount++;
        for (var i = 0; i < _warnings.Count; i++)
        {
            if (string.Equals(_warnings[i].Field, field, StringComparison.Ordinal) && value.SequenceEqual(_warnedValues[i]))
            {
                _warnings[i] = _warnings[i] with { Count = _warnings[i].Count + 1 };
                return;
            }
        }

        if (_warnings.Count < MaxDistinctWarnings)
        {
            _warnedValues.Add(value.ToArray());
            _warnings.Add(new IngestWarning(record, field, Excerpt.Of(value, encoding), reason, 1));
        }
    }

    internal void AddAccepted(long count) => AcceptedCount += count;

    internal void Rejected(long record, string? field, string reason, ReadOnlySpan<byte> raw, System.Text.Encoding? encoding = null)
    {
        RejectedCount++;
        if (_errors.Count < _maxErrors)
        {
            _errors.Add(new IngestError(record, field, reason, Excerpt.Of(raw, encoding)));
        }
    }
}
