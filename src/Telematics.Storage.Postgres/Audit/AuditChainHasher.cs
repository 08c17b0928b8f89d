using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Telematics.Storage.Postgres.Audit;

/// <summary>
/// Recomputes an audit row's hash over the canonical byte encoding (version 1) documented in
/// <c>0003_audit_log.sql</c>, independently of the database that wrote it.
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
        IPAddress? ip)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previousHash);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, seq);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, (occurredAtUtc.Ticks - UnixEpochTicks) / TimeSpan.TicksPerMicrosecond);
        hash.AppendData(number);
        AppendText(hash, actor);
        AppendText(hash, action);
        AppendText(hash, resource);
        AppendText(hash, beforeJson);
        AppendText(hash, afterJson);
        AppendBytes(hash, ip?.GetAddressBytes());
        return hash.GetHashAndReset();
    }

    private static void AppendText(IncrementalHash hash, string? text) =>
        AppendBytes(hash, text is null ? null : Encoding.UTF8.GetBytes(text));

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
