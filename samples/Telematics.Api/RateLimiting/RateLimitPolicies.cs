namespace Telematics.Api.RateLimiting;

/// <summary>Names of the rate-limit policies an endpoint opts into with <c>RequireRateLimiting(name)</c>.</summary>
internal static class RateLimitPolicies
{
    /// <summary>Telematics ingest (<c>POST /telematics/events</c>): many moderate requests per client.</summary>
    public const string Ingest = "ingest";

    /// <summary>Batch work (<c>POST /risk/batch-calculate</c>, recalculations): few heavy requests per client.</summary>
    public const string Batch = "batch";

    /// <summary>
    /// The concurrency cap of the ingest routes (<see cref="RateLimitOptions.IngestConcurrency"/>), applied with
    /// <c>RequireIngestLimits()</c> together with <see cref="Ingest"/>; named in its 429s and logs.
    /// </summary>
    public const string IngestConcurrency = "ingest-concurrency";
}
