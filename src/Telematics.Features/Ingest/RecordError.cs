namespace Telematics.Features.Ingest;

/// <summary>Why one record failed to parse: the field (or null) and the reason. Filled only on failure.</summary>
internal struct RecordError
{
    public string? Field;
    public string Reason;

    public bool Set(string? field, string reason)
    {
        Field = field;
        Reason = reason;
        return false;
    }
}
