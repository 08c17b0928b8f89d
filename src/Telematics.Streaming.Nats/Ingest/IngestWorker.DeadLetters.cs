using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Streaming.Nats.Connection;

namespace Telematics.Streaming.Nats.Ingest;

/// <content>
/// Dead-lettering: a batch whose content is at fault goes to the dead-letter stream with its reason, and is terminated on the
/// event stream, whatever its content — a dead letter that cannot be published would hold its partition for ever.
/// </content>
public sealed partial class IngestWorker
{
    /// <summary>The longest reason header: a reason quotes envelope fields and exception messages, whose length nobody bounds.</summary>
    internal const int MaxReasonLength = 512;

    // True when the batch was dead-lettered with its body, and so may leave the event stream; false when only a reference
    // to it was (the body stays on the event stream, at the sequence the dead letter names, until its max age).
    private async Task<bool> DeadLetterAsync(int partition, INatsJSMsg<NatsMemoryOwner<byte>> msg, ReadOnlyMemory<byte> envelope, string reason, CancellationToken cancellationToken)
    {
        var sequence = msg.Metadata?.Sequence.Stream ?? 0;
        var id = DeadLetterId(sequence, envelope.Span);
        reason = HeaderValue(reason);
        var copied = true;
        try
        {
            await PublishDeadLetterAsync(partition, msg, id, envelope, reason, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsPayloadTooLargeException)
        {
            // The body with the dead letter's headers exceeds the server's max payload (a batch near the limit): published
            // again as a reference, or the batch would fail the same way at every delivery.
            copied = false;
            reason = HeaderValue(string.Create(
                CultureInfo.InvariantCulture,
                $"body not copied (over the server's max payload), left on the event stream at sequence {sequence}: {reason}"));
            await PublishDeadLetterAsync(partition, msg, id, ReadOnlyMemory<byte>.Empty, reason, cancellationToken).ConfigureAwait(false);
        }

        // Sent even if the worker is stopping: unterminated, the batch would hold its partition for the ack wait.
        await SendWithinTimeoutAsync(timeout => msg.AckTerminateAsync(cancellationToken: timeout)).ConfigureAwait(false);
        StreamIngestMetrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "dead_letter"));
        IngestWorkerLog.DeadLettered(_logger, sequence, partition, reason);
        return copied;
    }

    private async Task PublishDeadLetterAsync(int partition, INatsJSMsg<NatsMemoryOwner<byte>> msg, string id, ReadOnlyMemory<byte> body, string reason, CancellationToken cancellationToken)
    {
        var sequence = msg.Metadata?.Sequence.Stream ?? 0;
        var headers = new NatsHeaders
        {
            [EventStreamNames.ReasonHeader] = reason,
            [EventStreamNames.SequenceHeader] = sequence.ToString(CultureInfo.InvariantCulture),
            [EventStreamNames.DeliveriesHeader] = (msg.Metadata?.NumDelivered ?? 1).ToString(CultureInfo.InvariantCulture),
        };

        // A worker that dies between this publish and the terminate adds no second copy: the worker given the batch next
        // finds it Duplicate (DeadLetterId), which is as good as stored.
        var ack = await _js.PublishAsync(
            _topology.Names.DeadLetterSubject(partition),
            body,
            headers: headers,
            opts: new NatsJSPubOpts { MsgId = id },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        ack.EnsureStored();
    }

    /// <summary>
    /// The dead letter's <c>Nats-Msg-Id</c>: the batch's event-stream sequence and a hash of its body. The sequence alone
    /// restarts at 1 when the event stream is created again (a worker recreates a deleted one), and a new batch at an old
    /// sequence would be answered Duplicate within the duplicate window and then terminated: lost from both streams.
    /// </summary>
    internal static string DeadLetterId(ulong sequence, ReadOnlySpan<byte> envelope)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(envelope, hash);
        return string.Create(CultureInfo.InvariantCulture, $"deadletter-{sequence}-{Convert.ToHexStringLower(hash[..12])}");
    }

    /// <summary>
    /// <paramref name="reason"/> as a header value: printable ASCII only (the client refuses CR and LF, which a time zone
    /// field may carry), at most <see cref="MaxReasonLength"/> characters.
    /// </summary>
    internal static string HeaderValue(string reason)
    {
        const string Cut = "...";
        var value = new StringBuilder(Math.Min(reason.Length, MaxReasonLength));
        foreach (var c in reason)
        {
            if (value.Length == MaxReasonLength - Cut.Length && reason.Length > MaxReasonLength)
            {
                return value.Append(Cut).ToString();
            }

            value.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return value.ToString();
    }
}
