using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Features.Ingest;
using Telematics.Features.Ingest.Binary;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;

namespace Telematics.Streaming.Nats.Ingest;

/// <content>
/// A delivered batch: its envelope checked, its records read and stored through the committer (kept and stored again while
/// the store is down), acknowledged once committed, and the observers told.
/// </content>
public sealed partial class IngestWorker
{
    // True when the batch is settled — stored and acknowledged, or dead-lettered with its body — and so need not stay on the
    // stream; false when it was handed back to be delivered again, already deleted (an erased driver's), or dead-lettered as
    // a reference to it (too large to copy).
    private async Task<bool> HandleAsync(int partition, INatsJSMsg<NatsMemoryOwner<byte>> msg, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        if (!EventBatchEnvelope.TryReadHeader(envelope.Span, out var header, out var error))
        {
            return await DeadLetterAsync(partition, msg, envelope, error, cancellationToken).ConfigureAwait(false);
        }

        var home = DriverPartitioner.Partition(header.DriverId, _topology.Names.Partitions);
        if (home != partition)
        {
            // Storing it here could overtake the driver's batches on its own partition. Dead-lettered on the driver's own
            // subject, where an erasure of the driver looks (EventStreamErasure).
            return await DeadLetterUnlessErasedAsync(
                home, partition, msg, envelope, header,
                string.Create(CultureInfo.InvariantCulture, $"envelope, field 'driver_id': driver {header.DriverId} belongs to partition {home}, not {partition}"),
                cancellationToken).ConfigureAwait(false);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(header.TimeZoneId, out var zone))
        {
            return await DeadLetterUnlessErasedAsync(
                partition, partition, msg, envelope, header, $"envelope, field 'time_zone': '{header.TimeZoneId}' is not a known IANA time zone", cancellationToken).ConfigureAwait(false);
        }

        var actor = new AuditActor(header.ActorName ?? "stream-ingest:" + Name, header.ActorIp);
        using var progress = new BatchProgress(msg, _options.AckWait / 3, _time, cancellationToken);
        EventBatchOutcome outcome;
        try
        {
            PreparedEventBatch prepared;
            var reader = BinarySampleReader.Create(PipeReader.Create(new ReadOnlySequence<byte>(envelope[header.PayloadOffset..])));
            await using (reader.ConfigureAwait(false))
            {
                prepared = await _ingestor.PrepareBatchAsync(header.DriverId, header.BatchId, reader, zone, actor, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            // Read and measured here, in parallel with the other partitions; stored by one of the worker's writers, with the
            // batches the other partitions hold at the time.
            var commitsBefore = Volatile.Read(ref _commits);
            outcome = await _committer.StoreAsync(prepared, cancellationToken).ConfigureAwait(false);
            var statementFailures = 0;
            var waitingSince = _time.GetTimestamp();
            for (var attempt = 1; outcome.Failure is { } transient && TransientStoreFailure.IsTransient(transient); attempt++)
            {
                // A failure the batch's own statements cause (a replay that always outlasts the timeout) would hold the
                // partition for ever: after MaxStatementAttempts it is handed back like a refused batch (below).
                if (TransientStoreFailure.IsStatementFailure(transient, Volatile.Read(ref _commits) != commitsBefore))
                {
                    StreamIngestMetrics.StatementFailures.Add(1);
                    if (++statementFailures >= _options.MaxStatementAttempts)
                    {
                        IngestWorkerLog.StatementFailed(_logger, transient, msg.Metadata?.Sequence.Stream ?? 0, partition, statementFailures);
                        break;
                    }
                }
                else if (_time.GetElapsedTime(waitingSince) >= (_storeUnreachable ? TimeSpan.Zero : HandOverAfter))
                {
                    // The database may be unreachable from this worker only (its route, its proxy): holding the batch longer
                    // would hold its partition, with every driver on it, while other workers idle. Handed to another worker,
                    // without the delivery counting against the batch (HandOverAsync); the ledger stores it once whoever
                    // commits, even if this worker's last commit landed unseen.
                    await progress.StopAsync().ConfigureAwait(false);
                    await HandOverAsync(partition, msg, header, transient, _time.GetElapsedTime(waitingSince), cancellationToken).ConfigureAwait(false);
                    return false;
                }

                // The store is down or failing over: the batch is kept (its progress reports hold it) and stored again
                // after a back-off, not naked, so a short outage adds no delivery at all.
                await WaitForStoreAsync(partition, msg, transient, attempt, cancellationToken).ConfigureAwait(false);
                commitsBefore = Volatile.Read(ref _commits);
                outcome = await _committer.StoreAsync(prepared, cancellationToken).ConfigureAwait(false);
            }

            if (outcome.Failure is null)
            {
                Interlocked.Increment(ref _commits);
                _storeUnreachable = false;
            }
        }
        catch (TelematicsFormatException bad)
        {
            await progress.StopAsync().ConfigureAwait(false);
            return await DeadLetterUnlessErasedAsync(partition, partition, msg, envelope, header, BadRecord(bad), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Rolled back: hand the batch back at once rather than after the ack wait.
            await progress.StopAsync().ConfigureAwait(false);
            await HandBackAsync(msg).ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (e is not NatsException)
        {
            outcome = new EventBatchOutcome(default, e);
        }

        await progress.StopAsync().ConfigureAwait(false);
        if (outcome.Failure is { } failure)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Failed as the worker stops (its transaction cancelled under it): handed back at once, not retried later.
                await HandBackAsync(msg).ConfigureAwait(false);
                return false;
            }

            var erased = failure is KeyNotFoundException && await WasErasedAsync(header.DriverId, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                // Stopped while asking: handed back at once, not left for the ack wait.
                await HandBackAsync(msg).ConfigureAwait(false);
                return false;
            }

            if (erased)
            {
                await DropErasedAsync(partition, msg, header.BatchId, header.DriverId, cancellationToken).ConfigureAwait(false);
                return false;
            }

            return await RetryOrDeadLetterAsync(partition, msg, envelope, header, failure, cancellationToken).ConfigureAwait(false);
        }

        var result = outcome.Result;

        // Acknowledged only now that the upload committed: a crash before this line redelivers the batch, which then stores
        // nothing. An ack lost with the connection does the same, and the observers below are told either way.
        var acked = true;
        try
        {
            await SendWithinTimeoutAsync(timeout => msg.AckAsync(cancellationToken: timeout)).ConfigureAwait(false);
        }
        catch (NatsException e)
        {
            acked = false;
            IngestWorkerLog.AckFailed(_logger, e, header.BatchId, header.DriverId);
        }

        if (result.AlreadyStored)
        {
            StreamIngestMetrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "redelivered"));
            IngestWorkerLog.AlreadyStored(_logger, header.BatchId, header.DriverId);
        }
        else
        {
            StreamIngestMetrics.Batches.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
            StreamIngestMetrics.EventsStored.Add(result.Stored);
            StreamIngestMetrics.Lag.Record(_time.GetUtcNow().ToUnixTimeMilliseconds() - header.PublishedUnixMs);
            IngestWorkerLog.Stored(_logger, header.BatchId, header.DriverId, partition, result.Stored, result.TripsStored);
        }

        // A redelivered batch too: the worker that stored it may have died before telling them (a cache drop is owed).
        await NotifyObserversAsync(header, result, cancellationToken).ConfigureAwait(false);
        return acked;
    }

    private async Task NotifyObserversAsync(EventBatchHeader header, EventStreamResult result, CancellationToken cancellationToken)
    {
        foreach (var observer in Observers)
        {
            try
            {
                await observer.BatchStoredAsync(header.DriverId, result, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Stored and acknowledged: an observer (a cache, a live hub) must not make the batch look failed, nor, by a
                // timeout of its own (an OperationCanceledException while the worker runs on), end the partition's pulls.
                IngestWorkerLog.ObserverFailed(_logger, e, header.BatchId, header.DriverId);
            }
        }
    }
}
