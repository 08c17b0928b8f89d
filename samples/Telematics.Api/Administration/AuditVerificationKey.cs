using Telematics.Storage.Postgres.Audit;

namespace Telematics.Api.Administration;

/// <summary>
/// The public key that <c>POST /admin/audit/verify</c> checks the signed anchors with: the PEM file at
/// <c>Audit:AnchorPublicKeyPath</c> (a P-256 public key; the private key stays with whoever signs anchors, e.g.
/// <c>telematics audit anchor</c>). Without it the chain is still verified, but anchors are not trusted or counted.
/// </summary>
internal sealed class AuditVerificationKey(IConfiguration configuration)
{
    /// <summary>The configuration key of the PEM path.</summary>
    public const string PathKey = "Audit:AnchorPublicKeyPath";

    private readonly Lazy<(IAuditSigningKeyProvider? Provider, string? Problem)> _key = new(() => Load(configuration[PathKey]));

    /// <summary>Whether a key path is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(configuration[PathKey]);

    /// <summary>Reads the key once; a missing path gives neither key nor problem.</summary>
    /// <returns>The key provider, or the reason the configured file cannot be used.</returns>
    public (IAuditSigningKeyProvider? Provider, string? Problem) Get() => _key.Value;

    private static (IAuditSigningKeyProvider?, string?) Load(string? path)
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
            return (null, $"The audit anchor key at {PathKey} cannot be used: {e.Message}");
        }
    }
}
