namespace Telematics.Storage.Postgres.Audit;

/// <summary>A signed audit chain head.</summary>
/// <param name="Seq">Sequence number of the row whose hash was signed.</param>
/// <param name="HeadHash">The signed row hash (32 bytes).</param>
/// <param name="SignedAt">When the anchor was made (UTC).</param>
/// <param name="KeyId">Identifier of the signing key (<see cref="IAuditSigningKeyProvider.KeyId"/>).</param>
/// <param name="Signature">ECDSA P-256 signature, IEEE P1363 (r‖s) format.</param>
public sealed record AuditAnchor(long Seq, ReadOnlyMemory<byte> HeadHash, DateTimeOffset SignedAt, string KeyId, ReadOnlyMemory<byte> Signature);
