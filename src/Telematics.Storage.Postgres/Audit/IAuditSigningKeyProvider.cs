using System.Security.Cryptography;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>Supplies the ECDSA P-256 key that signs audit anchors; the key is held outside the database.</summary>
/// <remarks>Implementations must be thread-safe. Each call returns a new key object that the caller disposes.</remarks>
public interface IAuditSigningKeyProvider
{
    /// <summary>Short identifier of the key pair, stored with each anchor so that rotated keys can be told apart.</summary>
    string KeyId { get; }

    /// <summary>Returns the private key used to sign new anchors.</summary>
    /// <returns>A P-256 key with its private part; the caller disposes it.</returns>
    /// <exception cref="InvalidOperationException">This provider holds only a public key.</exception>
    ECDsa CreateSigningKey();

    /// <summary>Returns the public key used to verify anchors.</summary>
    /// <returns>A P-256 key (public part at least); the caller disposes it.</returns>
    ECDsa CreateVerificationKey();
}
