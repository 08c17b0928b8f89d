namespace Telematics.Features.Ingest;

/// <summary>
/// Why one record failed to parse: the field (or null) and the reason, filled only on failure. A record that parses
/// may carry one warning instead: a value read as missing that the report lists once per distinct text.
/// </summary>
internal struct RecordError
{
    public string? Field;
    public string Reason;

    /// <summary>The field of a value read as missing but worth telling (an unmapped road class), or null; the parser re-reads its text.</summary>
    public string? WarningField;

    /// <summary>
    /// Not an error: the record's whole trip id as a key (<see cref="Samples.TripTag"/>), meaningful when its sample has
    /// <see cref="Samples.SampleFlags.TripIdKnown"/>; the reader compares it with the previous accepted record's.
    /// </summary>
    public ulong TripKey;

    /// <summary>Not an error: the key of the driver the record names (<see cref="Csv.DriverKey"/>), or 0 when it names none.</summary>
    public ulong DriverKey;

    public bool Set(string? field, string reason)
    {
        Field = field;
        Reason = reason;
        return false;
    }

    /// <summary>Notes a warned value; returns true so that a converter can go on with the record.</summary>
    public bool Warn(string field)
    {
        WarningField = field;
        return true;
    }
}
