using System.Globalization;

using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// Deletes one driver's raw batches from the event stream and its dead letters, for an erasure: they hold positions. On
/// the event stream these are the batches not yet stored (a worker deletes each batch it settles); dead letters
/// stay until <see cref="StreamIngestOptions.MaxAge"/>. A driver's batches are on its partition's subject
/// (<see cref="DriverPartitioner"/>) among other drivers', so each message of that subject is read (direct get) and the
/// driver's own are deleted by sequence. Thread-safe.
/// </summary>
public sealed class EventStreamErasure
{
    private readonly INatsJSContext _js;
    private readonly EventStreamNames _names;

    /// <summary>Creates the eraser over the streams of <paramref name="topology"/>.</summary>
    /// <param name="js">The JetStream context.</param>
    /// <param name="topology">The streams and subjects.</param>
    public EventStreamErasure(INatsJSContext js, EventStreamTopology topology)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(topology);
        _js = js;
        _names = topology.Names;
    }

    /// <summary>Deletes every batch of <paramref name="driverId"/> on the event stream and on the dead-letter stream.</summary>
    /// <param name="driverId">The erased driver.</param>
    /// <param name="cancellationToken">Cancels the scan; what was deleted stays deleted.</param>
    /// <returns>How many messages were deleted.</returns>
    /// <exception cref="NATS.Client.Core.NatsException">The server cannot be reached.</exception>
    public async Task<int> EraseDriverAsync(long driverId, CancellationToken cancellationToken = default)
    {
        var partition = DriverPartitioner.Partition(driverId, _names.Partitions);
        return await EraseAsync(_names.EventStream, _names.EventSubject(partition), driverId, cancellationToken).ConfigureAwait(false)
            + await EraseAsync(_names.DeadLetterStream, _names.DeadLetterSubject(partition), driverId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> EraseAsync(string streamName, string subject, long driverId, CancellationToken cancellationToken)
    {
        INatsJSStream stream;
        try
        {
            stream = await _js.GetStreamAsync(streamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return 0; // never created: nothing was published
        }

        // Up to the last message there now: a batch published later is of a driver the API no longer accepts.
        var last = stream.Info.State.LastSeq;
        var deleted = 0;
        for (var next = stream.Info.State.FirstSeq; next <= last && next > 0;)
        {
            NATS.Client.Core.NatsMsg<byte[]> found;
            try
            {
                found = await stream.GetDirectAsync<byte[]>(new StreamMsgGetRequest { Seq = next, NextBySubj = subject }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (NatsJSApiException e) when (e.Error.Code == 404)
            {
                break; // no more messages on the subject
            }

            if (found.Headers is not { } headers || !headers.TryGetValue("Nats-Sequence", out var sequenceHeader)
                || !ulong.TryParse(sequenceHeader.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                break;
            }

            if (sequence > last)
            {
                break;
            }

            if (found.Data is { } envelope && EventBatchEnvelope.TryReadHeader(envelope, out var header, out _) && header.DriverId == driverId
                && (await stream.DeleteMessageAsync(new StreamMsgDeleteRequest { Seq = sequence }, cancellationToken).ConfigureAwait(false)).Success)
            {
                deleted++;
            }

            next = sequence + 1;
        }

        return deleted;
    }
}
