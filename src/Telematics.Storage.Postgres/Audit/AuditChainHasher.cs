using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>
/// Recomputes an audit row's hash over the canonical byte encodings documented in <c>0003_audit_log.sql</c> (encoding 1:
/// before and after themselves) and <c>0030_audit_redactable_content.sql</c> (encoding 2: their salted digests, so that
/// an erasure can remove the content and the chain still holds), independently of the database that wrote it.
/// </summary>
internal static class AuditChainHasher
{
    public const int HashLength = 32;

    private static readonly long UnixEpochTicks = DateTime.UnixEpoch.Ticks;

    public static byte[] Compute(
        ReadOnlySpan<byte> previousHash,
        long seq,
        DateTime occurredAtUtc,
        string actor,
        string action,
        string resource,
        string? beforeJson,
        string? afterJson,
        IPAddress? ip) =>
        Hash(previousHash, [], seq, occurredAtUtc, actor, action, resource, Utf8(beforeJson), Utf8(afterJson), ip);

    /// <summary>The hash of an encoding-2 row: as encoding 1 but for a 0x02 after the previous hash and the content digests.</summary>
    public static byte[] ComputeRedactable(
        ReadOnlySpan<byte> previousHash,
        long seq,
        DateTime occurredAtUtc,
        string actor,
        string action,
        string resource,
        byte[]? beforeDigest,
        byte[]? afterDigest,
        IPAddress? ip) =>
        Hash(previousHash, [2], seq, occurredAtUtc, actor, action, resource, beforeDigest, afterDigest, ip);

    /// <summary>SHA-256 of the salt followed by the UTF-8 of the JSON text: an encoding-2 row's before or after digest.</summary>
    public static byte[] ContentDigest(ReadOnlySpan<byte> salt, string json)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(salt);
        hash.AppendData(Encoding.UTF8.GetBytes(json));
        return hash.GetHashAndReset();
    }

    private static byte[] Hash(
        ReadOnlySpan<byte> previousHash,
        ReadOnlySpan<byte> encodingMarker,
        long seq,
        DateTime occurredAtUtc,
        string actor,
        string action,
        string resource,
        byte[]? before,
        byte[]? after,
        IPAddress? ip)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previousHash);
        hash.AppendData(encodingMarker);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, seq);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, (occurredAtUtc.Ticks - UnixEpochTicks) / TimeSpan.TicksPerMicrosecond);
        hash.AppendData(number);
        AppendBytes(hash, Utf8(actor));
        AppendBytes(hash, Utf8(action));
        AppendBytes(hash, Utf8(resource));
        AppendBytes(hash, before);
        AppendBytes(hash, after);
        AppendBytes(hash, ip?.GetAddressBytes());
        return hash.GetHashAndReset();
    }

    private static byte[]? Utf8(string? text) => text is null ? null : Encoding.UTF8.GetBytes(text);

    private static void AppendBytes(IncrementalHash hash, byte[]? bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes is null ? -1 : bytes.Length);
        hash.AppendData(length);
        if (bytes is not null)
        {
            hash.AppendData(bytes);
        }
    }
}
