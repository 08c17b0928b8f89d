namespace Telematics.Api.Ingest;

/// <summary>Options of <c>POST /telematics/events</c>, bound from the <c>Ingest</c> configuration section.</summary>
internal sealed class IngestOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Ingest";

    /// <summary>The direct mode: <c>POST /telematics/events</c> stores the upload before it answers 200.</summary>
    public const string DirectMode = "direct";

    /// <summary>The stream mode: the upload is validated, published to the JetStream event stream and answered 202; ingest workers store it.</summary>
    public const string StreamMode = "stream";

    /// <summary>
    /// How uploads are stored: <c>direct</c> (in the request) or <c>stream</c> (published to NATS JetStream, answered 202 once
    /// the stream acknowledged it; needs <c>ConnectionStrings:Nats</c> or <c>TELEMATICS_NATS</c>). See docs/streaming.md.
    /// </summary>
    /// <value>Default <c>direct</c>: a single host needs no NATS.</value>
    [System.ComponentModel.DataAnnotations.RegularExpression("^(direct|stream)$", ErrorMessage = "Ingest:Mode must be 'direct' or 'stream'.")]
    public string Mode { get; set; } = DirectMode;

    /// <summary>Ingest workers this host runs, storing the event stream's batches (any mode; needs NATS when above 0).</summary>
    /// <value>Default 0: the host stores no streamed batches (samples/Telematics.Worker runs workers alone).</value>
    [System.ComponentModel.DataAnnotations.Range(0, 64)]
    public int Workers { get; set; }

    /// <summary>True in the stream mode.</summary>
    public bool Streams => string.Equals(Mode, StreamMode, StringComparison.Ordinal);

    /// <summary>IANA time zone of the local time-of-day features when a request gives no <c>timeZone</c> and the driver has no zone of their own (<c>drivers.time_zone</c> is null).</summary>
    /// <value>Default <c>UTC</c>.</value>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>Named CSV column mappings a request may pick with <c>?mapping=name</c>: name → path of a mapping JSON file.</summary>
    /// <value>Default none: CSV bodies use the canonical columns (<c>timestamp,lat,lon,speed_mps,…</c>).</value>
    public Dictionary<string, string> CsvMappings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many rejected records a <c>?onError=skip</c> response lists (the rest are only counted).</summary>
    /// <value>Default 100: enough to fix a device's format, small enough that a garbage upload gets a short answer.</value>
    [System.ComponentModel.DataAnnotations.Range(0, 10_000)]
    public int MaxReportedErrors { get; set; } = 100;

    /// <summary>
    /// The plausible window of event times and the physical bounds of every numeric field (<c>Ingest:Plausibility</c>:
    /// <c>EarliestTimestamp</c>, <c>MaxAheadOfNow</c>, <c>MaxSpeedMps</c>, <c>MaxAbsAccelerationMps2</c>, <c>MaxGpsAccuracyM</c>);
    /// a record outside is a 400 naming record and field (reject) or is skipped and listed (skip). "Now" is the host's
    /// <see cref="TimeProvider"/> at the start of the upload.
    /// </summary>
    /// <value>Default <see cref="Telematics.Features.Ingest.SamplePlausibility.Default"/>: from 2000-01-01 to 24 h ahead of now, speed 0–100 m/s, |acceleration| ≤ 50 m/s², accuracy 0–50,000 m.</value>
    public Telematics.Features.Ingest.SamplePlausibility Plausibility { get; set; } = new();
}
