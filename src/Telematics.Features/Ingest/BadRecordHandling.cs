namespace Telematics.Features.Ingest;

/// <summary>What a reader does when a record cannot be turned into a valid sample.</summary>
public enum BadRecordHandling
{
    /// <summary>Reject the whole batch: throw <see cref="TelematicsFormatException"/> at the first bad record.</summary>
    Reject = 0,

    /// <summary>Skip bad records, keep reading, and describe them in <see cref="SampleReader.Report"/>.</summary>
    SkipAndReport = 1,
}
