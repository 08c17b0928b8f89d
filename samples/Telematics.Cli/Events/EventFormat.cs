namespace Telematics.Cli.Events;

/// <summary>The event file formats the Ingest readers understand.</summary>
internal enum EventFormat
{
    Csv,
    Ndjson,
    Binary,
}
