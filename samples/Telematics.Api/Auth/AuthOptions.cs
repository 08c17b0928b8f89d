using System.ComponentModel.DataAnnotations;

namespace Telematics.Api.Auth;

/// <summary>JWT bearer settings, bound from the <c>Auth</c> configuration section and validated at start-up.</summary>
internal sealed class AuthOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Auth";

    /// <summary>The configuration key of the signing key, named in start-up errors.</summary>
    public const string SigningKeyKey = SectionName + ":" + nameof(SigningKey);

    /// <summary>The token issuer (<c>iss</c>) issued and required.</summary>
    /// <value>Default <c>telematics-dev</c>.</value>
    [Required, MinLength(1)]
    public string Issuer { get; set; } = "telematics-dev";

    /// <summary>The token audience (<c>aud</c>) issued and required.</summary>
    /// <value>Default <c>telematics-api</c>.</value>
    [Required, MinLength(1)]
    public string Audience { get; set; } = "telematics-api";

    /// <summary>
    /// The HMAC-SHA256 signing key: its UTF-8 bytes, at least <see cref="SigningKeyMaterial.MinimumKeyBytes"/> of them.
    /// Never committed; supply it through the environment (<c>Auth__SigningKey</c>) or a secret store.
    /// </summary>
    /// <value>Default none: Development then uses a random key per process; other environments refuse to start.</value>
    public string? SigningKey { get; set; }

    /// <summary>How long a development token stays valid, in minutes (1–1440).</summary>
    /// <value>Default 60.</value>
    [Range(1, 1440)]
    public int TokenLifetimeMinutes { get; set; } = 60;

    /// <summary>Tolerance for clock differences between issuer and host when checking expiry, in seconds (0–300).</summary>
    /// <value>Default 30: tight enough that an expired token stops working promptly, loose enough for NTP drift.</value>
    [Range(0, 300)]
    public int ClockSkewSeconds { get; set; } = 30;
}
