using Telematics.Service.Ingest;
using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// An observer of stored batches that fails — with a timeout of its own (an <see cref="OperationCanceledException"/>) as
/// much as with any other error — changes nothing: the worker goes on pulling the partition. A batch whose first worker
/// died before telling the observers reaches them when it is delivered again.
/// </summary>
public sealed class ObserverFailureTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 16, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_observer_that_times_out_does_not_stop_the_partitions_pulls()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 1);
        var observer = new TimingOutObserver();
        var batches = DrivingDays.Batches(DrivingDays.Day(31, Day, trips: 1, tripSeconds: 600), 31).Take(3).ToList();
        var ids = batches.Select(_ => Guid.CreateVersion7()).ToArray();
        for (var i = 0; i < batches.Count; i++)
        {
            await rig.Publisher.PublishAsync(driver, ids[i], batches[i], "UTC", Book.Actor);
        }

        rig.StartWorker(book.Ingestor, "w1", observers: [observer]);

        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = ANY($1)", ids) == ids.Length, TimeSpan.FromSeconds(30), "every batch is stored");
        // The observer hears of a batch after its commit, so the last call may follow the row the wait above saw.
        await rig.WaitUntilAsync(() => Task.FromResult(observer.Calls >= ids.Length), TimeSpan.FromSeconds(30), "the observer is told of every batch");
        Assert.Equal(ids.Length, observer.Calls);
    }

    [Fact]
    public async Task A_batch_stored_by_a_worker_that_died_before_its_ack_reaches_the_observers_when_redelivered()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 1);
        var batch = Guid.CreateVersion7();
        var day = DrivingDays.Day(32, Day, trips: 1, tripSeconds: 300);

        // Committed by a worker that died before acknowledging it or telling its observers.
        await rig.Publisher.PublishAsync(driver, batch, day, "UTC", Book.Actor);
        var prepared = await PreparedBatches.PrepareAsync(book, driver, batch, day);
        Assert.All(await book.Ingestor.StoreBatchesAsync([prepared]), o => Assert.Null(o.Failure));

        var observer = new RecordingObserver();
        rig.StartWorker(book.Ingestor, "w1", observers: [observer]);

        await rig.WaitUntilAsync(() => Task.FromResult(observer.Calls.Count > 0), TimeSpan.FromSeconds(30), "the observer is told of the redelivered batch");
        var (observed, stored) = Assert.Single(observer.Calls);
        Assert.Equal(driver, observed);
        Assert.True(stored.AlreadyStored);
        Assert.Equal(day.Count, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver));
    }

    private sealed class RecordingObserver : IStoredBatchObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(long Driver, EventStreamResult Stored)> _calls = new();

        public IReadOnlyCollection<(long Driver, EventStreamResult Stored)> Calls => _calls;

        public Task BatchStoredAsync(long driverId, EventStreamResult stored, CancellationToken cancellationToken)
        {
            _calls.Enqueue((driverId, stored));
            return Task.CompletedTask;
        }
    }

    // Times out on every call, as an observer waiting on an unreachable cache with a timeout of its own does.
    private sealed class TimingOutObserver : IStoredBatchObserver
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task BatchStoredAsync(long driverId, EventStreamResult stored, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            throw new TaskCanceledException("The cache did not answer in time.");
        }
    }
}
