using System.ComponentModel.DataAnnotations;

namespace Telematics.Api.RequestLimits;

/// <summary>Request body size limits, bound from the <c>RequestLimits</c> configuration section.</summary>
internal sealed class RequestLimitOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RequestLimits";

    /// <summary>Largest request body any endpoint accepts unless it overrides it, in bytes (1 KiB–1 GiB).</summary>
    /// <value>Default 1 MiB: every JSON command of the API fits with room to spare; larger bodies are ingest uploads.</value>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 1L << 20;

    /// <summary>Largest body of a telematics ingest request, in bytes (1 KiB–4 GiB), applied with <c>WithRequestBodyLimit</c>.</summary>
    /// <value>Default 256 MiB: about a month of 1 Hz driving for one vehicle as CSV; ingest streams, so size costs no memory.</value>
    [Range(1024, 1L << 32)]
    public long MaxIngestBodyBytes { get; set; } = 256L << 20;

    /// <summary>Largest body of a phone recording upload, in bytes (1 KiB–4 GiB), applied with <c>WithRequestBodyLimit</c>.</summary>
    /// <value>
    /// Default 64 MiB: an hour's drive logged at 100 Hz by accelerometer and gyroscope is about 40 MiB of CSV. The parts are
    /// buffered (to disk past 64 KiB) before the analysis, which needs the whole recording.
    /// </value>
    [Range(1024, 1L << 32)]
    public long MaxPhoneRecordingBodyBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Slowest an ingest upload's body may arrive, in bytes per second averaged from its start after a 10 s grace
    /// (0–1 MiB/s; 0 leaves Kestrel's server-wide minimum, 240 B/s). A slower body is cut off and the upload stores nothing.
    /// </summary>
    /// <value>
    /// Default 2048 (16 kbit/s, well below a weak mobile link): an upload holds a database connection until its body ends, so
    /// a body trickling in holds it for hours at Kestrel's 240 B/s. Applied over HTTP/1.x only: Kestrel sets no per-request
    /// minimum on HTTP/2 and HTTP/3, where its server-wide one applies.
    /// </value>
    [Range(0, 1 << 20)]
    public int MinIngestBodyBytesPerSecond { get; set; } = 2048;

    /// <summary>Longest request target (path and query string) answered with anything but 414, in bytes (1 KiB–64 KiB).</summary>
    /// <value>Default 8 KiB, as most proxies. Kestrel's own limit is set to twice this: a target between the two gets a
    /// problem+json 414 from the host; beyond Kestrel's limit Kestrel answers 414 with an empty body.</value>
    [Range(1024, 64 * 1024)]
    public int MaxRequestTargetBytes { get; set; } = 8 * 1024;

    /// <summary>Largest total of request header names and values answered with anything but 431, in bytes (4 KiB–256 KiB).</summary>
    /// <value>Default 32 KiB (Kestrel's default); Kestrel's own limit is set to twice this, as for the target.</value>
    [Range(4 * 1024, 256 * 1024)]
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;
}
