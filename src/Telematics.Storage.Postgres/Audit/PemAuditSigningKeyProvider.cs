using System.Security.Cryptography;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>Audit anchor keys from PEM text: a P-256 private key (signs and verifies) or a public key (verifies only).</summary>
/// <remarks>Thread-safe: the PEM is kept as text and each call imports a fresh key.</remarks>
public sealed class PemAuditSigningKeyProvider : IAuditSigningKeyProvider
{
    private readonly string _pem;
    private readonly bool _hasPrivateKey;

    /// <summary>Creates a provider from PEM text (<c>-----BEGIN PRIVATE KEY-----</c>, <c>EC PRIVATE KEY</c> or <c>PUBLIC KEY</c>).</summary>
    /// <param name="pem">The PEM text.</param>
    /// <exception cref="ArgumentException">The PEM holds no key or a key that is not on the P-256 curve.</exception>
    public PemAuditSigningKeyProvider(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException error)
        {
            throw new ArgumentException("The PEM text holds no ECDSA key.", nameof(pem), error);
        }

        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("Audit anchor keys must be on the P-256 curve.", nameof(pem));
        }

        _pem = pem;
        _hasPrivateKey = pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 8));
    }

    /// <summary>Creates a provider from a PEM file.</summary>
    /// <param name="path">Path of the PEM file.</param>
    /// <returns>The provider.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="ArgumentException">The file holds no P-256 key.</exception>
    public static PemAuditSigningKeyProvider FromFile(string path) => new(File.ReadAllText(path));

    /// <inheritdoc />
    public string KeyId { get; }

    /// <inheritdoc />
    public ECDsa CreateSigningKey()
    {
        if (!_hasPrivateKey)
        {
            throw new InvalidOperationException("This audit key provider holds only a public key and cannot sign anchors.");
        }

        return CreateVerificationKey();
    }

    /// <inheritdoc />
    public ECDsa CreateVerificationKey()
    {
        var key = ECDsa.Create();
        key.ImportFromPem(_pem);
        return key;
    }
}
