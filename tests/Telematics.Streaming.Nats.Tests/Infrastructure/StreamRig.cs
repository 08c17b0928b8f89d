using Microsoft.Extensions.Logging.Abstractions;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Service.Ingest;
using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Ingest;

namespace Telematics.Streaming.Nats.Tests.Infrastructure;

/// <summary>
/// A publisher and in-process ingest workers on one NATS server under a subject prefix of their own; each worker has its
/// own connection, as a worker in another process would.
/// </summary>
internal sealed class StreamRig : IAsyncDisposable
{
    private readonly List<(string Name, NatsConnection Connection, CancellationTokenSource Stop, Task Run)> _workers = [];
    private readonly string _url;

    private StreamRig(string url, NatsStreamingOptions connection, StreamIngestOptions options)
    {
        _url = url;
        Connection = connection;
        Options = options;
        Nats = new NatsConnection(new NatsOpts { Url = url, Name = "stream-tests-publisher" });
        Js = new NatsJSContext(Nats);
        Topology = new EventStreamTopology(Js, connection, options);
        Publisher = new EventBatchPublisher(Js, Topology, options, TimeProvider.System);
    }

    public NatsStreamingOptions Connection { get; }

    public StreamIngestOptions Options { get; }

    public NatsConnection Nats { get; }

    public NatsJSContext Js { get; }

    public EventStreamTopology Topology { get; }

    public EventBatchPublisher Publisher { get; }

    public static StreamRig Create(string url, int partitions = 8, int replicas = 1, Action<StreamIngestOptions>? configure = null)
    {
        var options = new StreamIngestOptions { Partitions = partitions, AckWait = TimeSpan.FromSeconds(5), PublishTimeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        return new StreamRig(url, new NatsStreamingOptions { Url = url, SubjectPrefix = "t" + Guid.NewGuid().ToString("N")[..8], Replicas = replicas }, options);
    }

    /// <summary>
    /// Starts a worker storing through <paramref name="ingestor"/>, told of erased drivers by <paramref name="erasures"/> and
    /// telling <paramref name="observers"/> of stored batches when given.
    /// </summary>
    public void StartWorker(EventStreamIngestor ingestor, string name, IDriverErasures? erasures = null, IReadOnlyList<IStoredBatchObserver>? observers = null)
    {
        var connection = new NatsConnection(new NatsOpts { Url = _url, Name = "stream-tests-" + name });
        var js = new NatsJSContext(connection);
        var worker = new IngestWorker(
            name, js, new EventStreamTopology(js, Connection, Options), ingestor, Options, TimeProvider.System, NullLogger<IngestWorker>.Instance)
        {
            Erasures = erasures,
            Observers = observers ?? [],
        };
        var stop = new CancellationTokenSource();
        _workers.Add((name, connection, stop, Task.Run(() => worker.RunAsync(stop.Token))));
    }

    /// <summary>Stops worker <paramref name="name"/> as a host shutdown does, and waits until it has stopped.</summary>
    /// <returns>How long the stop took.</returns>
    public async Task<TimeSpan> StopWorkerAsync(string name)
    {
        var worker = _workers.Single(w => w.Name == name);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await worker.Stop.CancelAsync();
        await worker.Run; // a worker stops without an exception
        var took = clock.Elapsed;
        _workers.Remove(worker);
        worker.Stop.Dispose();
        await worker.Connection.DisposeAsync();
        return took;
    }

    /// <summary>Polls <paramref name="done"/> until it holds, failing after <paramref name="timeout"/> (none when infinite) or when a worker failed.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        var deadline = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        while (!await done())
        {
            foreach (var worker in _workers)
            {
                if (worker.Run.IsFaulted)
                {
                    await worker.Run; // throws the worker's exception
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {timeout.TotalSeconds} s waiting until {what}.");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.Stop.CancelAsync();
        }

        foreach (var worker in _workers)
        {
            await worker.Run;
            worker.Stop.Dispose();
            await worker.Connection.DisposeAsync();
        }

        await Nats.DisposeAsync();
    }
}
