namespace Telematics.Features.Ingest;

/// <summary>How a <see cref="SampleReader"/> treats bad records and how much it buffers.</summary>
public sealed class SampleReaderOptions
{
    /// <summary>Options with every default.</summary>
    public static SampleReaderOptions Default { get; } = new();

    /// <summary>What to do with a record that cannot be turned into a valid sample.</summary>
    /// <value>Default <see cref="BadRecordHandling.Reject"/>: the first bad record throws, so nothing is lost silently.</value>
    public BadRecordHandling BadRecords { get; init; } = BadRecordHandling.Reject;

    /// <summary>How many bad records <see cref="IngestReport.Errors"/> keeps; the rest are only counted.</summary>
    /// <value>Default 100; 0 keeps none. Caps the memory a flood of bad records can take.</value>
    public int MaxReportedErrors { get; init; } = 100;

    /// <summary>Longest record (one line of text) a reader accepts, in bytes.</summary>
    /// <value>
    /// Default 1 MiB: a telematics record is well under 1 KiB, so a longer line means a missing line break or binary
    /// input; the limit keeps memory bounded on such input.
    /// </value>
    public int MaxRecordBytes { get; init; } = 1 << 20;

    /// <summary>The window of event times and the physical bounds every record must lie within.</summary>
    /// <value>Default <see cref="SamplePlausibility.Default"/>: 2000-01-01 to 24 h after now, speed 0–100 m/s, |acceleration| ≤ 50 m/s², accuracy 0–50 km.</value>
    public SamplePlausibility Plausibility { get; init; } = SamplePlausibility.Default;

    /// <summary>The clock of the plausible window's end (now + <see cref="SamplePlausibility.MaxAheadOfNow"/>), read once when a reader is made.</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Whether a record earlier than a record an earlier <see cref="SampleReader.ReadAsync"/> call handed out is bad.</summary>
    /// <value>
    /// Default <see langword="false"/>: records come out in input order, disorder left to cleaning. A pipeline that
    /// cleans chunk by chunk (<see cref="Pipeline.DriverFeaturePipeline"/>) sorts within a chunk only and drops a record
    /// whose chunk comes after a later one; with <see langword="true"/> such a record is bad instead, named by its record
    /// number with a reason saying the file is not in time order, so it is listed (or fails the read) rather than
    /// dropped with only a count. CSV, NDJSON and binary readers. A resent record (a duplicate) as late as the latest
    /// record handed out is passed on, and cleaning drops it as a duplicate, as within a chunk; one earlier than that
    /// (the last few records sent again) is refused when it falls after a chunk boundary, though within its chunk
    /// cleaning drops it as a duplicate: the reader keeps only the latest time handed out, not every time, so it cannot
    /// tell such a copy from a late record.
    /// </value>
    public bool RejectRecordsBeforeEarlierChunks { get; init; }

    /// <summary>The reason given for a record refused under <see cref="RejectRecordsBeforeEarlierChunks"/>, the same in every format.</summary>
    internal const string NotInTimeOrder = "the file is not in time order: this record is earlier than records of an earlier chunk, which cleaning would drop it behind; sort the file by time";

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Plausibility);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        Plausibility.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(MaxReportedErrors);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordBytes, 64);
        if (!Enum.IsDefined(BadRecords))
        {
            throw new ArgumentOutOfRangeException(nameof(BadRecords), BadRecords, "Unknown bad-record handling.");
        }
    }
}
