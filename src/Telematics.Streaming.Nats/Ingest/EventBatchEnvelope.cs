using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using System.Text.Unicode;

using Telematics.Features.Ingest.Binary;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// The event-batch envelope, version 1: a small binary header (batch id, driver, publish time, time zone, actor) and the
/// batch's samples as a <c>.tlms</c> stream (docs/formats/binary.md). Layout and rationale in docs/streaming.md.
/// </summary>
/// <remarks>
/// Binary because the samples already have a compact, CRC-checked, versioned encoding that a worker reads straight into
/// its column buffers, with no mapping or text parsing: 58 bytes a sample, where JSON takes about three times that and
/// must be parsed again. The header is fixed-offset and little-endian, so a gateway in any language writes it in a few
/// lines. All multi-byte integers are little-endian; the batch id is the UUID's 16 bytes in RFC 4122 (text) order.
/// </remarks>
public static class EventBatchEnvelope
{
    /// <summary>The envelope version this build writes and reads.</summary>
    public const ushort Version = 1;

    /// <summary>Bytes before the variable-length fields (magic, version, reserved, batch id, driver, publish time).</summary>
    public const int FixedHeaderLength = 40;

    /// <summary>The longest time zone id (IANA ids are far shorter).</summary>
    public const int MaxTimeZoneIdLength = 64;

    /// <summary>The longest actor name, as <see cref="Telematics.Service.Storage.AuditActor"/> allows.</summary>
    public const int MaxActorNameLength = 200;

    /// <summary>The magic number, <c>TLEB</c> (Telematics event batch).</summary>
    public static ReadOnlySpan<byte> Magic => "TLEB"u8;

    /// <summary>The header length of an envelope with these fields.</summary>
    /// <param name="timeZoneId">The IANA time zone id (ASCII).</param>
    /// <param name="actorName">The actor's name, or null.</param>
    /// <param name="actorIp">The actor's address, or null.</param>
    /// <returns>Bytes before the samples.</returns>
    public static int HeaderLength(string timeZoneId, string? actorName, IPAddress? actorIp)
    {
        ArgumentNullException.ThrowIfNull(timeZoneId);
        return FixedHeaderLength + 1 + timeZoneId.Length + 1 + (actorName is null ? 0 : Encoding.UTF8.GetByteCount(actorName)) + 1 + IpLength(actorIp);
    }

    /// <summary>Writes the header; the caller appends the <c>.tlms</c> samples right after it.</summary>
    /// <param name="destination">At least <see cref="HeaderLength"/> bytes.</param>
    /// <param name="header">What to write; its <see cref="EventBatchHeader.PayloadOffset"/> is ignored.</param>
    /// <returns>Bytes written.</returns>
    /// <exception cref="ArgumentException">A field is out of range (driver id, time zone or actor length) or the destination is too small.</exception>
    public static int WriteHeader(Span<byte> destination, in EventBatchHeader header)
    {
        if (header.DriverId <= 0)
        {
            throw new ArgumentException("The batch's driver id must be positive.", nameof(header));
        }

        var zone = header.TimeZoneId;
        if (string.IsNullOrEmpty(zone) || zone.Length > MaxTimeZoneIdLength || !Ascii.IsValid(zone))
        {
            throw new ArgumentException($"The batch's time zone id must be 1–{MaxTimeZoneIdLength} ASCII characters.", nameof(header));
        }

        var actorBytes = header.ActorName is null ? 0 : Encoding.UTF8.GetByteCount(header.ActorName);
        if (actorBytes > MaxActorNameLength)
        {
            throw new ArgumentException($"The batch's actor name must be at most {MaxActorNameLength} bytes.", nameof(header));
        }

        var length = HeaderLength(zone, header.ActorName, header.ActorIp);
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is shorter than the envelope header.", nameof(destination));
        }

        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        header.BatchId.TryWriteBytes(destination.Slice(8, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], header.DriverId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], header.PublishedUnixMs);
        var at = FixedHeaderLength;
        destination[at++] = (byte)zone.Length;
        at += Encoding.ASCII.GetBytes(zone, destination[at..]);
        destination[at++] = (byte)actorBytes;
        at += header.ActorName is null ? 0 : Encoding.UTF8.GetBytes(header.ActorName, destination[at..]);
        destination[at++] = (byte)IpLength(header.ActorIp);
        if (header.ActorIp is { } ip)
        {
            ip.TryWriteBytes(destination[at..], out var written);
            at += written;
        }

        return at;
    }

    /// <summary>Reads an envelope's header; the samples are the bytes from <see cref="EventBatchHeader.PayloadOffset"/> on.</summary>
    /// <param name="envelope">The message body.</param>
    /// <param name="header">The header when it is valid.</param>
    /// <param name="error">What is wrong, naming the field, when it is not.</param>
    /// <returns>True when the header is valid.</returns>
    public static bool TryReadHeader(ReadOnlySpan<byte> envelope, out EventBatchHeader header, [NotNullWhen(false)] out string? error)
    {
        header = default;
        if (envelope.Length < FixedHeaderLength + 3)
        {
            return Fail(out error, $"envelope: {envelope.Length} bytes is shorter than the {FixedHeaderLength + 3}-byte minimum header");
        }

        if (!envelope[..4].SequenceEqual(Magic))
        {
            return Fail(out error, "envelope, field 'magic': not TLEB (not a Telematics event batch)");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(envelope[4..]);
        if (version != Version)
        {
            return Fail(out error, $"envelope, field 'version': version {version} is not supported (this reader knows {Version})");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(envelope[6..]) != 0)
        {
            return Fail(out error, "envelope, field 'reserved': must be 0");
        }

        var batchId = new Guid(envelope.Slice(8, 16), bigEndian: true);
        var driverId = BinaryPrimitives.ReadInt64LittleEndian(envelope[24..]);
        if (driverId <= 0)
        {
            return Fail(out error, $"envelope, field 'driver_id': {driverId} is not a positive driver id");
        }

        var publishedMs = BinaryPrimitives.ReadInt64LittleEndian(envelope[32..]);
        var at = FixedHeaderLength;
        int zoneLength = envelope[at++];
        if (zoneLength is 0 or > MaxTimeZoneIdLength || at + zoneLength + 2 > envelope.Length)
        {
            return Fail(out error, $"envelope, field 'time_zone': length {zoneLength} is not 1–{MaxTimeZoneIdLength} or runs past the end");
        }

        var zoneBytes = envelope.Slice(at, zoneLength);
        if (!Ascii.IsValid(zoneBytes))
        {
            return Fail(out error, "envelope, field 'time_zone': not ASCII");
        }

        var zone = Encoding.ASCII.GetString(zoneBytes);
        at += zoneLength;
        int actorLength = envelope[at++];
        if (actorLength > MaxActorNameLength || at + actorLength + 1 > envelope.Length)
        {
            return Fail(out error, $"envelope, field 'actor': length {actorLength} is over {MaxActorNameLength} or runs past the end");
        }

        string? actor = null;
        if (actorLength > 0)
        {
            if (!Utf8.IsValid(envelope.Slice(at, actorLength)))
            {
                return Fail(out error, "envelope, field 'actor': not UTF-8");
            }

            actor = Encoding.UTF8.GetString(envelope.Slice(at, actorLength));
        }

        at += actorLength;
        int ipLength = envelope[at++];
        if (ipLength is not (0 or 4 or 16) || at + ipLength > envelope.Length)
        {
            return Fail(out error, $"envelope, field 'actor_ip': length {ipLength} is not 0, 4 or 16 or runs past the end");
        }

        var ip = ipLength == 0 ? null : new IPAddress(envelope.Slice(at, ipLength));
        at += ipLength;
        if (envelope.Length - at < BinaryFormat.HeaderLength)
        {
            return Fail(out error, "envelope, field 'samples': missing (no .tlms stream after the header)");
        }

        header = new EventBatchHeader(batchId, driverId, publishedMs, zone, actor, ip, at);
        error = null;
        return true;
    }

    private static int IpLength(IPAddress? ip) => ip is null ? 0 : ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 16 : 4;

    private static bool Fail(out string error, string reason)
    {
        error = reason;
        return false;
    }
}
