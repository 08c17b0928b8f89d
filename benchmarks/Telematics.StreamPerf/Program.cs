using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

using Microsoft.Extensions.Logging.Abstractions;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Npgsql;

using Telematics.Features.Samples;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Ingest;
using Telematics.StreamPerf;

// stream-perf PG NATS DRIVERS TRIPS TRIP_SECONDS [WORKERS=2] [PARTITIONS=16] [BATCH=250] [RATE=0]
// The same batches are stored twice: directly (PARTITIONS drivers at once, each driver's batches in order: the stream's own
// concurrency) into one database, and through the stream (publish → JetStream → WORKERS workers) into another.
var pg = args[0];
var natsUrl = args[1];
var drivers = int.Parse(args[2], CultureInfo.InvariantCulture);
var trips = int.Parse(args[3], CultureInfo.InvariantCulture);
var tripSeconds = int.Parse(args[4], CultureInfo.InvariantCulture);
var workers = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 2;
var partitions = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 16;

// 250 samples: a phone uploading every four minutes of driving.
var batchSamples = args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 250;

// Events/s the publishers are held to (0: as fast as they can). Below the workers' capacity the lag is a batch's own
// latency; above it, mostly the time it queued.
var rate = args.Length > 8 ? double.Parse(args[8], CultureInfo.InvariantCulture) : 0;
long publishedEvents = 0;
var actor = new AuditActor("perf:stream-ingest");
var start = new DateTimeOffset(2026, 6, 1, 6, 0, 0, TimeSpan.Zero);

// Warm-up drivers, stored through both paths before the clocks start: the figures are then the sustained rate of code the
// JIT has already optimised (a worker runs for days), not the first seconds of a process.
const int WarmDrivers = 50;
var batches = new List<SampleBuffer>[drivers + WarmDrivers];
long events = 0, batchCount = 0, warmEvents = 0, warmBatches = 0;
for (var d = 0; d < drivers + WarmDrivers; d++)
{
    batches[d] = PerfDays.Batches(d, start, trips, tripSeconds, batchSamples);
    var count = batches[d].Sum(b => (long)b.Count);
    if (d < drivers)
    {
        (events, batchCount) = (events + count, batchCount + batches[d].Count);
    }
    else
    {
        (warmEvents, warmBatches) = (warmEvents + count, warmBatches + batches[d].Count);
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data: {drivers} drivers, {events:N0} events in {batchCount:N0} batches of up to {batchSamples}; {workers} workers, {partitions} partitions; publish rate {(rate > 0 ? rate.ToString("N0", CultureInfo.InvariantCulture) + " events/s" : "unpaced")}"));

// Direct over HTTP (only this, when scripts/perf/stream-ingest.sh started a host): the same batches POSTed as CSV bodies to
// the host's upload endpoint, the stream's concurrency again. The script stops the host before the other phases run.
if (Environment.GetEnvironmentVariable("STREAM_PERF_HTTP_URL") is { Length: > 0 } httpUrl)
{
    using var http = HttpIngest.Client(httpUrl, Environment.GetEnvironmentVariable("STREAM_PERF_HTTP_TOKEN") ?? string.Empty);
    var httpDrivers = await HttpIngest.RegisterDriversAsync(http, drivers + WarmDrivers);
    await HttpIngest.PostAsync(http, await HttpIngest.BodiesAsync(batches, drivers, drivers + WarmDrivers), httpDrivers[drivers..], partitions);
    var bodies = await HttpIngest.BodiesAsync(batches, 0, drivers);
    var httpCpu = CpuMeter.FromEnvironment("STREAM_PERF_HOST_PID", "host");
    var httpSeconds = await HttpIngest.PostAsync(http, bodies, httpDrivers[..drivers], partitions);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"direct over HTTP: {events / httpSeconds:N0} events/s ({httpSeconds:F1} s; {batchCount:N0} CSV bodies, {partitions} at once)"));
    if (httpCpu is not null)
    {
        Console.WriteLine(httpCpu.Since("direct over HTTP (this process: the client)", events));
    }

    await using var hostSource = NpgsqlDataSource.Create(pg);
    var httpStored = await ScalarAsync(hostSource, "SELECT count(*) FROM telematics_events");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"check: events stored over HTTP {httpStored:N0} (of {events + warmEvents:N0}, warm-up included)"));
    return httpStored == events + warmEvents ? 0 : 1;
}

// Direct: the stream's concurrency (one batch in flight per partition) without the stream.
var (directSource, directDrivers) = await BookAsync("stream_perf_direct");
var direct = Ingestor(directSource);
await StoreDirectAsync(drivers, drivers + WarmDrivers);
var cpu = CpuMeter.FromEnvironment();
var clock = Stopwatch.StartNew();
await StoreDirectAsync(0, drivers);
async Task StoreDirectAsync(int from, int to) => await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = partitions }, async (d, ct) =>
{
    foreach (var batch in batches[d])
    {
        await direct.IngestChunksAsync(directDrivers[d], [PerfDays.Copy(batch)], TimeZoneInfo.Utc, actor, cancellationToken: ct);
    }
});
var directSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"direct: {events / directSeconds:N0} events/s ({directSeconds:F1} s)"));
if (cpu is not null)
{
    Console.WriteLine(cpu.Since("direct", events));
}

// Streamed: publishers (one task per partition's worth of drivers) and workers run at once; the clock stops at the last commit.
var (streamSource, streamDrivers) = await BookAsync("stream_perf_stream");
var lags = new List<double>((int)batchCount);
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, l) =>
{
    if (instrument.Meter.Name == StreamIngestMetrics.MeterName && instrument.Name is "telematics.stream.lag" or "telematics.stream.batches_per_commit")
    {
        l.EnableMeasurementEvents(instrument);
    }
};
listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
{
    lock (lags)
    {
        lags.Add(value);
    }
});
var commits = new List<int>();
listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
{
    lock (commits)
    {
        commits.Add(value);
    }
});
listener.Start();

var connection = new NatsStreamingOptions { Url = natsUrl, SubjectPrefix = "perf" + Guid.NewGuid().ToString("N")[..6] };
// STREAM_PERF_MAX_BATCHES_PER_COMMIT=1 stores every batch in its own transaction, for a comparison in the same conditions.
var options = new StreamIngestOptions { Partitions = partitions };
if (Environment.GetEnvironmentVariable("STREAM_PERF_MAX_BATCHES_PER_COMMIT") is { Length: > 0 } perCommit)
{
    options.MaxBatchesPerCommit = int.Parse(perCommit, CultureInfo.InvariantCulture);
}

if (Environment.GetEnvironmentVariable("STREAM_PERF_CONCURRENT_COMMITS") is { Length: > 0 } concurrent)
{
    options.ConcurrentCommits = int.Parse(concurrent, CultureInfo.InvariantCulture);
}
await using var publisherConnection = new NatsConnection(new NatsOpts { Url = natsUrl, Name = "perf-publisher" });
var js = new NatsJSContext(publisherConnection);
var topology = new EventStreamTopology(js, connection, options);
await topology.EnsureStreamsAsync();
var publisher = new EventBatchPublisher(js, topology, options, TimeProvider.System);
var stop = new CancellationTokenSource();
var running = new List<Task>();
var workerConnections = new List<NatsConnection>();
var streamIngestor = Ingestor(streamSource);
for (var w = 0; w < workers; w++)
{
    var nats = new NatsConnection(new NatsOpts { Url = natsUrl, Name = "perf-worker-" + w });
    workerConnections.Add(nats);
    var workerJs = new NatsJSContext(nats);
    var worker = new IngestWorker("perf-" + w, workerJs, new EventStreamTopology(workerJs, connection, options), streamIngestor, options, TimeProvider.System, NullLogger<IngestWorker>.Instance);
    running.Add(Task.Run(() => worker.RunAsync(stop.Token)));
}

await PublishAsync(drivers, drivers + WarmDrivers, paced: false);
while (Count() < warmBatches)
{
    await Task.Delay(50);
}

lock (lags)
{
    lags.Clear();
}

lock (commits)
{
    commits.Clear();
}

cpu?.Restart();
clock.Restart();
var publishing = PublishAsync(0, drivers, paced: rate > 0);
Task PublishAsync(int from, int to, bool paced) => Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (d, ct) =>
{
    foreach (var batch in batches[d])
    {
        if (paced)
        {
            var due = TimeSpan.FromSeconds(Interlocked.Add(ref publishedEvents, batch.Count) / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, ct);
            }
        }

        await publisher.PublishAsync(streamDrivers[d], Guid.CreateVersion7(), batch, "UTC", actor, ct);
    }
});
await publishing;
var publishSeconds = clock.Elapsed.TotalSeconds;
while (Count() < warmBatches + batchCount)
{
    await Task.Delay(50);
}

var streamSeconds = clock.Elapsed.TotalSeconds;
var streamCpu = cpu?.Since("streamed (publishers included)", events);
await stop.CancelAsync();
await Task.WhenAll(running);
lags.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stream: {events / streamSeconds:N0} events/s publish to stored ({streamSeconds:F1} s; all published after {publishSeconds:F1} s, {events / publishSeconds:N0} events/s)"));
if (streamCpu is not null)
{
    Console.WriteLine(streamCpu);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lag publish to stored: p50 {Percentile(0.50):N0} ms, p99 {Percentile(0.99):N0} ms, max {lags[^1]:N0} ms ({lags.Count:N0} batches)"));
lock (commits)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"transactions: {commits.Count:N0} for {commits.Sum():N0} batches, {(double)commits.Sum() / Math.Max(1, commits.Count):F1} per commit on average, at most {(commits.Count == 0 ? 0 : commits.Max())} (MaxBatchesPerCommit {options.MaxBatchesPerCommit}, ConcurrentCommits {options.ConcurrentCommits})"));
}

var stored = await ScalarAsync(streamSource, "SELECT count(*) FROM telematics_events");
var directStored = await ScalarAsync(directSource, "SELECT count(*) FROM telematics_events");
var streamTrips = await ScalarAsync(streamSource, "SELECT count(*) FROM trips");
var directTrips = await ScalarAsync(directSource, "SELECT count(*) FROM trips");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"check: events stored {stored:N0} streamed, {directStored:N0} direct (of {events + warmEvents:N0}, warm-up included); trips {streamTrips:N0} streamed, {directTrips:N0} direct"));
foreach (var c in workerConnections)
{
    await c.DisposeAsync();
}

return stored == events + warmEvents && directStored == events + warmEvents && streamTrips == directTrips ? 0 : 1;

long Count() => ScalarAsync(streamSource, "SELECT count(*) FROM ingest_batches").GetAwaiter().GetResult();

double Percentile(double p) => lags.Count == 0 ? double.NaN : lags[Math.Min(lags.Count - 1, (int)Math.Ceiling(p * lags.Count) - 1)];

static EventStreamIngestor Ingestor(NpgsqlDataSource source) =>
    new(new EventIngestor(source, new PartitionManager(source, new TelematicsPostgresOptions(), TimeProvider.System), TimeProvider.System));

static async Task<long> ScalarAsync(NpgsqlDataSource source, string sql)
{
    await using var command = source.CreateCommand(sql);
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
}

async Task<(NpgsqlDataSource Source, long[] Drivers)> BookAsync(string database)
{
    await using (var admin = new NpgsqlConnection(pg))
    {
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
        await create.ExecuteNonQueryAsync();
    }

    var source = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(pg) { Database = database, MaxPoolSize = 64, MaxAutoPrepare = PostgresConnectionString.DefaultMaxAutoPrepare }.ConnectionString).Build();
    await new MigrationRunner(source).ApplyAsync();
    var repository = new DriverRepository(source, TimeProvider.System);
    var ids = new long[drivers + WarmDrivers];
    for (var d = 0; d < ids.Length; d++)
    {
        ids[d] = (await repository.CreateAsync($"perf-{d}", $"Perf {d}", actor)).DriverId;
    }

    return (source, ids);
}
