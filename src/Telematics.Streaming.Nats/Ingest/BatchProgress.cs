using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// Tells JetStream a batch is still being stored, every <c>interval</c> until stopped, so a long commit, or a batch waiting
/// out a database outage, is not taken for a dead worker.
/// </summary>
internal sealed class BatchProgress : IDisposable
{
    private readonly CancellationTokenSource _keepAlive;
    private readonly Task _reporting;

    /// <summary>Starts reporting progress on <paramref name="msg"/> until <see cref="StopAsync"/> or <paramref name="cancellationToken"/>.</summary>
    public BatchProgress(INatsJSMsg<NatsMemoryOwner<byte>> msg, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        _keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _reporting = ReportAsync(msg, interval, time, _keepAlive.Token);
    }

    /// <summary>Stops the reports (the batch is done) and waits for the last one to end.</summary>
    public async Task StopAsync()
    {
        await _keepAlive.CancelAsync().ConfigureAwait(false);
        await _reporting.ConfigureAwait(false);
    }

    public void Dispose() => _keepAlive.Dispose();

    private static async Task ReportAsync(INatsJSMsg<NatsMemoryOwner<byte>> msg, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await msg.AckProgressAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (NatsException)
                {
                    // The connection is down: tried again at the next tick. Were the ack wait to pass meanwhile, the batch
                    // goes to another worker, and the batch ledger stores it once whoever stores it first.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The batch is done.
        }
    }
}
