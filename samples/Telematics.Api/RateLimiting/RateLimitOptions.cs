using System.ComponentModel.DataAnnotations;

namespace Telematics.Api.RateLimiting;

/// <summary>Per-client limits of each rate-limit policy, bound from the <c>RateLimits</c> configuration section.</summary>
/// <remarks>
/// A client is the token's subject when authenticated, else the remote IP address. Each policy is a fixed window:
/// <see cref="WindowLimit.PermitLimit"/> requests per <see cref="WindowLimit.WindowSeconds"/>, no queueing.
/// </remarks>
internal sealed class RateLimitOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>Limits of <see cref="RateLimitPolicies.Ingest"/>.</summary>
    /// <value>Default 120 per 60 s: a phone uploading a batch every second while driving, with headroom for retries.</value>
    [Required]
    public WindowLimit Ingest { get; set; } = new() { PermitLimit = 120, WindowSeconds = 60 };

    /// <summary>Limits of <see cref="RateLimitPolicies.Batch"/>.</summary>
    /// <value>Default 5 per 300 s: a batch may score 1000 drivers; a scheduler needs one run, a person a few retries.</value>
    [Required]
    public WindowLimit Batch { get; set; } = new() { PermitLimit = 5, WindowSeconds = 300 };

    /// <summary>
    /// Uploads in flight at once on the ingest routes (<c>POST /telematics/events</c> and the phone recordings), per client
    /// and over all clients of this host; a request over either gets 429 before its body is read.
    /// </summary>
    /// <value>
    /// Default 2 per client and 16 in all. An upload holds a pooled database connection and an open transaction until its
    /// body is read to the end, so a client sending slowly holds them for as long as it sends: the per-client cap keeps one
    /// token from taking the pool, and the total (a sixth of Npgsql's default pool of 100) keeps enough of it for everything
    /// else however many clients upload. Counted on each host, not shared through Redis.
    /// </value>
    [Required]
    public ConcurrencyLimit IngestConcurrency { get; set; } = new() { PerClient = 2, Total = 16 };
}

/// <summary>A concurrency limit: at most <see cref="PerClient"/> requests in flight per client and <see cref="Total"/> in all.</summary>
internal sealed class ConcurrencyLimit
{
    /// <summary>Requests in flight at once per client (1–1000).</summary>
    [Range(1, 1000)]
    public int PerClient { get; set; } = 1;

    /// <summary>Requests in flight at once over all clients of one host (1–10000).</summary>
    [Range(1, 10_000)]
    public int Total { get; set; } = 1;
}

/// <summary>A fixed-window limit: at most <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>.</summary>
internal sealed class WindowLimit
{
    /// <summary>Requests allowed per window and client (1–100000).</summary>
    [Range(1, 100_000)]
    public int PermitLimit { get; set; } = 1;

    /// <summary>Window length in seconds (1–86400).</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;
}
