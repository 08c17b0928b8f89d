using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Telematics.Features.Ingest;
using Telematics.Streaming.Nats.Connection;

namespace Telematics.Streaming.Nats.Ingest;

/// <content>A batch that was not stored: retried with back-off, dead-lettered with its reason, or handed back at once.</content>
public sealed partial class IngestWorker
{
    // JetStream's error code for a delete that failed; the description says why ("no message found": already gone).
    private const int MessageDeleteFailed = 10057;

    // True when the batch was dead-lettered with its body, false when handed back to be delivered again (or dead-lettered
    // as a reference, DeadLetterAsync).
    private async Task<bool> RetryOrDeadLetterAsync(
        int partition, INatsJSMsg<NatsMemoryOwner<byte>> msg, ReadOnlyMemory<byte> envelope, EventBatchHeader header, Exception failure, CancellationToken cancellationToken)
    {
        // Transient failures get here only after MaxStatementAttempts statement-level ones (others are retried in place,
        // WaitForStoreAsync), so the deliveries count the times the batch itself was refused, plus any hand-over of a
        // stopped or dead worker.
        var delivery = msg.Metadata?.NumDelivered ?? 1;
        if (delivery >= (ulong)_options.MaxDeliveries)
        {
            // Deliveries that followed a hand-over for an outage were no refusal of the batch.
            ulong handedOver;
            try
            {
                handedOver = await _topology.HandOversAsync(header.BatchId, cancellationToken).ConfigureAwait(false);
            }
            catch (NatsException e)
            {
                // Not known now: not dead-lettered on a guess; asked again at the next delivery.
                IngestWorkerLog.Retrying(_logger, e, msg.Metadata?.Sequence.Stream ?? 0, partition, delivery, _options.MaxDeliveries, Backoff(delivery).TotalSeconds);
                await SendWithinTimeoutAsync(timeout => msg.NakAsync(new AckOpts { NakDelay = Backoff(delivery) }, timeout)).ConfigureAwait(false);
                return false;
            }

            delivery = delivery > handedOver ? delivery - handedOver : 1;
        }

        if (delivery >= (ulong)_options.MaxDeliveries)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"not stored after {delivery} deliveries: {failure.GetType().Name}: {failure.Message}");
            return await DeadLetterUnlessErasedAsync(partition, partition, msg, envelope, header, reason, cancellationToken).ConfigureAwait(false);
        }

        // 1, 2, 4, 8 … s: a lasting fault reaches the dead letters in about 15 s.
        var delay = Backoff(delivery);
        IngestWorkerLog.Retrying(_logger, failure, msg.Metadata?.Sequence.Stream ?? 0, partition, delivery, _options.MaxDeliveries, delay.TotalSeconds);
        StreamIngestMetrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "retried"));
        await SendWithinTimeoutAsync(timeout => msg.NakAsync(new AckOpts { NakDelay = delay }, timeout)).ConfigureAwait(false);
        return false;
    }

    // The store has not taken the batch for HandOverAfter: recorded as a hand-over (so it adds no delivery against
    // MaxDeliveries), naked, and this worker's pulls of the partition paused, so that another worker's pull takes it.
    private async Task HandOverAsync(int partition, INatsJSMsg<NatsMemoryOwner<byte>> msg, EventBatchHeader header, Exception failure, TimeSpan waited, CancellationToken cancellationToken)
    {
        try
        {
            await _topology.RecordHandOverAsync(header.BatchId, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsException e)
        {
            // NATS unreachable too: the nak below likely fails as well, and the ack wait hands the batch over instead.
            IngestWorkerLog.HandOverNotRecorded(_logger, e, msg.Metadata?.Sequence.Stream ?? 0, partition);
        }

        IngestWorkerLog.HandedOver(_logger, failure, msg.Metadata?.Sequence.Stream ?? 0, partition, Math.Round(waited.TotalSeconds, 1));
        StreamIngestMetrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "handed_over"));
        _storeUnreachable = true;
        Volatile.Write(ref _pausedUntil[partition], _time.GetTimestamp() + (long)(HandOverPause.TotalSeconds * _time.TimestampFrequency));
        await SendWithinTimeoutAsync(timeout => msg.NakAsync(new AckOpts { NakDelay = HandOverNakDelay }, timeout)).ConfigureAwait(false);
    }

    // The store cannot take the batch for now (TransientStoreFailure): waits 1, 2, 4 … 60 s, the batch still held.
    private async Task WaitForStoreAsync(int partition, INatsJSMsg<NatsMemoryOwner<byte>> msg, Exception failure, int attempt, CancellationToken cancellationToken)
    {
        var delay = Backoff((ulong)attempt);
        IngestWorkerLog.WaitingForStore(_logger, failure, msg.Metadata?.Sequence.Stream ?? 0, partition, attempt, delay.TotalSeconds);
        StreamIngestMetrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "retried"));
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan Backoff(ulong attempt) => TimeSpan.FromSeconds(Math.Min(60, 1 << (int)Math.Min(attempt - 1, 6)));

    // Dead-letters a batch whose header could be read, unless its driver was erased: a dead letter would keep the positions
    // an erasure removed everywhere else (a bad record, a bad zone, a wrong partition, out of deliveries). Such a batch is
    // dropped as one held during the erasure is. When nobody can tell (the store is down) it is handed back with back-off
    // and asked about again at its next delivery.
    private async Task<bool> DeadLetterUnlessErasedAsync(
        int deadLetterPartition, int partition, INatsJSMsg<NatsMemoryOwner<byte>> msg, ReadOnlyMemory<byte> envelope, EventBatchHeader header, string reason,
        CancellationToken cancellationToken)
    {
        var erased = await ErasureOfAsync(header.DriverId, cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            await HandBackAsync(msg).ConfigureAwait(false);
            return false;
        }

        switch (erased)
        {
            case true:
                await DropErasedAsync(partition, msg, header.BatchId, header.DriverId, cancellationToken).ConfigureAwait(false);
                return false;
            case null:
                var delay = Backoff(msg.Metadata?.NumDelivered ?? 1);
                StreamIngestMetrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "retried"));
                await SendWithinTimeoutAsync(timeout => msg.NakAsync(new AckOpts { NakDelay = delay }, timeout)).ConfigureAwait(false);
                return false;
            default:
                return await DeadLetterAsync(deadLetterPartition, msg, envelope, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    // Whether the batch's driver, found missing, was erased; false when nobody can tell (no record, or the store is down).
    private async Task<bool> WasErasedAsync(long driverId, CancellationToken cancellationToken) =>
        await ErasureOfAsync(driverId, cancellationToken).ConfigureAwait(false) == true;

    // Whether the driver was erased; false without an erasure record to ask, null when it cannot be asked now. A failure
    // that asking again will not mend (a permission, a missing table) counts as not erased: handing the batch back for
    // ever would stop its partition, with every other driver on it, over a question the worker cannot answer.
    private async Task<bool?> ErasureOfAsync(long driverId, CancellationToken cancellationToken)
    {
        if (Erasures is not { } erasures)
        {
            return false;
        }

        try
        {
            return await erasures.WasErasedAsync(driverId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // A stopping worker hands the batch back (HandleAsync); the next delivery asks again.
                return null;
            }

            var transient = TransientStoreFailure.IsTransient(e);
            IngestWorkerLog.ErasureUnknown(_logger, e, driverId, transient ? "asked again at its next delivery" : "treated as not erased");
            return transient ? null : false;
        }
    }

    // The batch of an erased driver: deleted from the event stream (which would otherwise keep its positions until MaxAge),
    // then terminated, so it is kept nowhere. A delete that fails throws out to the pull loop: the batch is
    // delivered again, its driver is found erased again, and the delete is tried again.
    private async Task DropErasedAsync(int partition, INatsJSMsg<NatsMemoryOwner<byte>> msg, Guid batchId, long driverId, CancellationToken cancellationToken)
    {
        if (msg.Metadata?.Sequence.Stream is { } sequence and > 0)
        {
            await DeleteFromStreamAsync(sequence, cancellationToken).ConfigureAwait(false);
        }

        await SendWithinTimeoutAsync(timeout => msg.AckTerminateAsync(cancellationToken: timeout)).ConfigureAwait(false);
        StreamIngestMetrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "erased"));
        IngestWorkerLog.ErasedDropped(_logger, batchId, driverId, partition);
    }

    private async Task DeleteFromStreamAsync(ulong sequence, CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await _js.DeleteMessageAsync(_topology.Names.EventStream, new StreamMsgDeleteRequest { Seq = sequence }, cancellationToken).ConfigureAwait(false);
            if (!deleted.Success)
            {
                throw new NatsJSException($"The event stream did not delete the erased driver's batch at sequence {sequence}.");
            }
        }
        catch (NatsJSApiException e) when (e.Error.ErrCode == MessageDeleteFailed && e.Error.Description?.Contains("no message found", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Already gone (the erasure's own scan got there first).
        }
    }

    // Naks a batch the worker will not store because it stops, so that another worker takes it at once.
    private async Task HandBackAsync(INatsJSMsg<NatsMemoryOwner<byte>> msg)
    {
        try
        {
            await SendWithinTimeoutAsync(timeout => msg.NakAsync(cancellationToken: timeout)).ConfigureAwait(false);
        }
        catch (NatsException)
        {
            // Without a connection the ack wait hands the batch over instead.
        }
    }

    private static string BadRecord(TelematicsFormatException bad)
    {
        var where = bad.Record > 0 ? string.Create(CultureInfo.InvariantCulture, $"samples, record {bad.Record}") : "samples";
        return bad.Field is null ? $"{where}: {bad.Reason}" : $"{where}, field '{bad.Field}': {bad.Reason}";
    }
}
