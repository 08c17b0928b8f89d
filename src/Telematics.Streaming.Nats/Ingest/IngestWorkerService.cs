using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Telematics.Service.Ingest;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>Runs <see cref="IngestWorkerCount"/> ingest workers (<see cref="IngestWorker"/>) for the life of the host.</summary>
internal sealed class IngestWorkerService(IServiceProvider services, IngestWorkerCount count) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (count.WaitUntilReady is { } ready)
        {
            // E.g. the host's migrations: a batch stored into a schema not yet migrated would fail for nothing.
            await ready(services, stoppingToken).ConfigureAwait(false);
        }

        var workers = new Task[count.Workers];
        for (var i = 0; i < workers.Length; i++)
        {
            var worker = ActivatorUtilities.CreateInstance<IngestWorker>(services, $"{Environment.MachineName}-{Environment.ProcessId}-{i + 1}");
            worker.Observers = [.. services.GetServices<IStoredBatchObserver>()];
            worker.Erasures = services.GetService<IDriverErasures>();
            workers[i] = worker.RunAsync(stoppingToken);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }
}

/// <summary>How many ingest workers a host runs.</summary>
internal sealed record IngestWorkerCount(int Workers, Func<IServiceProvider, CancellationToken, Task>? WaitUntilReady);
