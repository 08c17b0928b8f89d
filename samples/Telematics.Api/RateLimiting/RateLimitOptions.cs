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
