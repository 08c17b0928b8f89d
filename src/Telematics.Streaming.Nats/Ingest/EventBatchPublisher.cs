using System.Buffers;

using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Telematics.Features.Ingest.Binary;
using Telematics.Features.Samples;
using Telematics.Service.Storage;
using Telematics.Streaming.Nats.Connection;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// Publishes one driver's batch of samples to its partition's subject as an event-batch envelope and returns only once
/// JetStream acknowledged it (stored by a quorum of replicas): a caller that reports a batch accepted after this call
/// cannot lose it. Thread-safe.
/// </summary>
public sealed class EventBatchPublisher
{
    // Every column (BinaryFormat.AllColumns): 8+8+8 + 7×4 + 1+1 + 8 bytes a record.
    private const int RecordBytes = 58;
    private const int BlockRecords = BinaryFormat.DefaultBlockRecords;

    private readonly INatsJSContext _js;
    private readonly EventStreamTopology _topology;
    private readonly StreamIngestOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _ensureLock = new(1, 1);
    private volatile bool _ensured;

    /// <summary>Creates the publisher.</summary>
    /// <param name="js">The JetStream context.</param>
    /// <param name="topology">The streams (created on the first publish) and subjects.</param>
    /// <param name="options">Partition count, batch size limit, publish timeout.</param>
    /// <param name="time">The clock of the envelope's publish time.</param>
    public EventBatchPublisher(INatsJSContext js, EventStreamTopology topology, StreamIngestOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _js = js;
        _topology = topology;
        _options = options;
        _time = time;
    }

    /// <summary>The most samples one batch may hold (<see cref="StreamIngestOptions.MaxBatchSamples"/>).</summary>
    public int MaxBatchSamples => _options.MaxBatchSamples;

    /// <summary>Publishes <paramref name="samples"/> as batch <paramref name="batchId"/> of <paramref name="driverId"/>.</summary>
    /// <param name="driverId">The driver (&gt; 0).</param>
    /// <param name="batchId">The batch's id; publishing the same id again adds nothing (JetStream duplicate detection).</param>
    /// <param name="samples">1 to <see cref="MaxBatchSamples"/> samples, already validated; not modified.</param>
    /// <param name="timeZoneId">The driver's IANA time zone.</param>
    /// <param name="actor">Who sent the batch, for the audit row; null: the worker's own name.</param>
    /// <param name="cancellationToken">Cancels the publish (the batch may still have been stored: publish it again to be sure).</param>
    /// <returns>JetStream's acknowledgement.</returns>
    /// <exception cref="ArgumentException">The batch is empty or too large, or a header field is out of range.</exception>
    /// <exception cref="StreamUnavailableException">NATS is unreachable, refused the batch, or did not acknowledge it in time.</exception>
    public async Task<EventBatchAck> PublishAsync(
        long driverId, Guid batchId, SampleBuffer samples, string timeZoneId, AuditActor? actor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count is 0 || samples.Count > _options.MaxBatchSamples)
        {
            throw new ArgumentException($"A batch holds 1 to {_options.MaxBatchSamples} samples, not {samples.Count}.", nameof(samples));
        }

        var header = new EventBatchHeader(batchId, driverId, _time.GetUtcNow().ToUnixTimeMilliseconds(), timeZoneId, actor?.Name, actor?.Ip, 0);
        var headerLength = EventBatchEnvelope.HeaderLength(timeZoneId, header.ActorName, header.ActorIp);
        var blocks = (samples.Count + BlockRecords - 1) / BlockRecords;
        var capacity = headerLength + BinaryFormat.HeaderLength + (blocks * 8) + (samples.Count * RecordBytes) + 4;
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            EventBatchEnvelope.WriteHeader(buffer, header);
            int length;
            using (var body = new MemoryStream(buffer, headerLength, capacity - headerLength, writable: true))
            {
                await using (var writer = BinarySampleWriter.FromStream(body, BlockRecords, leaveOpen: true))
                {
                    await writer.WriteAsync(samples, cancellationToken).ConfigureAwait(false);
                    await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }

                length = headerLength + (int)body.Position;
            }

            return await SendAsync(driverId, batchId, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<EventBatchAck> SendAsync(long driverId, Guid batchId, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        var partition = DriverPartitioner.Partition(driverId, _topology.Names.Partitions);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            await EnsureStreamsAsync(timeout.Token).ConfigureAwait(false);
            PubAckResponse ack;
            try
            {
                ack = await PublishOnceAsync(partition, batchId, envelope, timeout.Token).ConfigureAwait(false);
            }
            catch (NatsException e) when (StreamMissing(e))
            {
                // Nothing takes the subject: the stream is gone (NATS's storage lost, an operator's reset). Created again,
                // and the batch published once more; its id keeps it single should the first publish have been stored.
                _ensured = false;
                await EnsureStreamsAsync(timeout.Token).ConfigureAwait(false);
                ack = await PublishOnceAsync(partition, batchId, envelope, timeout.Token).ConfigureAwait(false);
            }

            ack.EnsureStored();
            return new EventBatchAck(batchId, partition, ack.Seq, ack.Duplicate);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StreamUnavailableException(
                $"The event stream did not acknowledge batch {batchId:D} within {_options.PublishTimeout.TotalSeconds:0.#} s.");
        }
        catch (NatsException e)
        {
            // Looked at again on the next publish: a stream lost meanwhile is then created again, not missed until a restart.
            _ensured = false;
            throw new StreamUnavailableException($"The event stream did not take batch {batchId:D}: {e.Message}", e);
        }
    }

    private async Task<PubAckResponse> PublishOnceAsync(int partition, Guid batchId, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken) =>
        await _js.PublishAsync(
            _topology.Names.EventSubject(partition),
            envelope,
            opts: new NatsJSPubOpts { MsgId = batchId.ToString("D") },
            cancellationToken: cancellationToken).ConfigureAwait(false);

    // No stream listens on the subject: the server answers "no responders", or JetStream says the stream does not exist.
    internal static bool StreamMissing(Exception failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            if (current is NatsNoRespondersException or NatsJSPublishNoResponseException or NatsJSApiException { Error.ErrCode: EventStreamTopology.StreamNotFound })
            {
                return true;
            }
        }

        return false;
    }

    private async Task EnsureStreamsAsync(CancellationToken cancellationToken)
    {
        if (_ensured)
        {
            return;
        }

        await _ensureLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ensured)
            {
                await _topology.EnsureStreamsAsync(cancellationToken).ConfigureAwait(false);
                _ensured = true;
            }
        }
        finally
        {
            _ensureLock.Release();
        }
    }
}
