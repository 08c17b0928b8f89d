namespace Telematics.Storage.Postgres.Phone;

/// <summary>
/// A phone recording overlaps phone evidence already stored for the driver and is not the same recording sent again:
/// storing both would count the overlap's manoeuvres twice, so nothing of it is stored.
/// </summary>
public sealed class PhoneEvidenceConflictException : Exception
{
    /// <summary>Creates the exception for the recording's span and the stored rows it meets.</summary>
    /// <param name="fromUnixMs">Start of the refused recording's evidence, ms since the Unix epoch.</param>
    /// <param name="toUnixMs">Its end.</param>
    /// <param name="overlapping">Stored rows (spans and manoeuvres) of the driver within that span.</param>
    public PhoneEvidenceConflictException(long fromUnixMs, long toUnixMs, long overlapping)
        : base($"Phone evidence is already stored between {DateTimeOffset.FromUnixTimeMilliseconds(fromUnixMs):O} and {DateTimeOffset.FromUnixTimeMilliseconds(toUnixMs):O} ({overlapping} rows) from another recording; a recording may not overlap another.")
    {
        FromUnixMs = fromUnixMs;
        ToUnixMs = toUnixMs;
        Overlapping = overlapping;
    }

    /// <summary>Start of the refused recording's evidence, ms since the Unix epoch.</summary>
    public long FromUnixMs { get; }

    /// <summary>End of the refused recording's evidence, ms since the Unix epoch.</summary>
    public long ToUnixMs { get; }

    /// <summary>Stored rows of the driver within the recording's span.</summary>
    public long Overlapping { get; }
}
