using System.Globalization;

using Telematics.Storage.Postgres.Audit;

namespace Telematics.Api.Administration;

/// <summary>
/// The host's audit anchoring, from the <c>Audit</c> configuration section: the keys that sign and check anchors, the
/// journal that keeps a copy of them outside the database, how often the host signs one, and how old an unanchored row
/// may get before verification and readiness say so.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>Audit:AnchorSigningKeyPath</c>: a P-256 private key (PKCS#8 PEM); when set, the host signs an anchor at start
/// and every <c>Audit:AnchorInterval</c> (default 1 hour). Keep it readable by the host only.</item>
/// <item><c>Audit:AnchorPublicKeyPath</c>: the public key that <c>POST /admin/audit/verify</c> checks signatures with
/// (anchors signed elsewhere, e.g. by <c>telematics audit anchor</c> from cron); the signing key serves when it is unset.</item>
/// <item><c>Audit:AnchorJournalPath</c>: the append-only copy of the anchors (ship it off the machine).</item>
/// <item><c>Audit:MaxUnanchoredAge</c>: default twice the interval plus 10 minutes when the host signs, else unset (no check).</item>
/// </list>
/// </remarks>
internal sealed class AuditAnchorSettings
{
    /// <summary>The configuration key of the public key's PEM path.</summary>
    public const string PublicKeyPathKey = "Audit:AnchorPublicKeyPath";

    /// <summary>The configuration key of the signing key's PEM path.</summary>
    public const string SigningKeyPathKey = "Audit:AnchorSigningKeyPath";

    /// <summary>The configuration key of the anchor journal's path.</summary>
    public const string JournalPathKey = "Audit:AnchorJournalPath";

    /// <summary>The configuration key of the anchoring interval.</summary>
    public const string IntervalKey = "Audit:AnchorInterval";

    /// <summary>The configuration key of the oldest a row may be without an anchor.</summary>
    public const string MaxUnanchoredAgeKey = "Audit:MaxUnanchoredAge";

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(1);

    private readonly Lazy<(IAuditSigningKeyProvider? Provider, string? Problem)> _signing;
    private readonly Lazy<(IAuditSigningKeyProvider? Provider, string? Problem)> _verification;

    public AuditAnchorSettings(IConfiguration configuration)
    {
        var signingPath = configuration[SigningKeyPathKey];
        var publicPath = configuration[PublicKeyPathKey];
        _signing = new(() => Load(SigningKeyPathKey, signingPath));
        _verification = new(() => string.IsNullOrWhiteSpace(publicPath) ? _signing.Value : Load(PublicKeyPathKey, publicPath));
        IsSigning = !string.IsNullOrWhiteSpace(signingPath);
        Interval = Duration(configuration, IntervalKey) ?? DefaultInterval;
        MaxUnanchoredAge = Duration(configuration, MaxUnanchoredAgeKey) ?? (IsSigning ? (2 * Interval) + TimeSpan.FromMinutes(10) : null);
        Journal = configuration[JournalPathKey] is { Length: > 0 } journal ? new AuditAnchorJournal(journal) : null;
    }

    /// <summary>Whether the host signs anchors on a schedule.</summary>
    public bool IsSigning { get; }

    /// <summary>Time between two scheduled anchors.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How old a row may be without an anchor; <see langword="null"/> for no limit.</summary>
    public TimeSpan? MaxUnanchoredAge { get; }

    /// <summary>The copy of the anchors outside the database, or <see langword="null"/>.</summary>
    public AuditAnchorJournal? Journal { get; }

    /// <summary>The key that signs scheduled anchors (read once), or the reason the configured file cannot be used.</summary>
    /// <returns>Neither when no signing key is configured.</returns>
    public (IAuditSigningKeyProvider? Provider, string? Problem) SigningKey() => _signing.Value;

    /// <summary>The key that verification checks signatures with: the public key, else the signing key.</summary>
    /// <returns>Neither when no key is configured.</returns>
    public (IAuditSigningKeyProvider? Provider, string? Problem) VerificationKey() => _verification.Value;

    private static TimeSpan? Duration(IConfiguration configuration, string key)
    {
        if (configuration[key] is not { Length: > 0 } text)
        {
            return null;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new InvalidOperationException($"{key} must be a positive time span such as 01:00:00 (got '{text}').");
    }

    private static (IAuditSigningKeyProvider?, string?) Load(string key, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return (null, null);
        }

        try
        {
            return (PemAuditSigningKeyProvider.FromFile(path), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, $"The audit anchor key at {key} cannot be used: {e.Message}");
        }
    }
}
