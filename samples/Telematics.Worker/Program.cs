using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

using Telematics.Worker;

// Ingest workers only (no HTTP): `dotnet run --project samples/Telematics.Worker` with TELEMATICS_PG and TELEMATICS_NATS set.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddTelematicsWorker(builder.Configuration);
var host = builder.Build();

// Taken before RunAsync, which disposes the services. A background service that failed (workers or relay) stops the
// host, yet RunAsync returns normally: without this the process would exit 0 and a supervisor would take the failure
// for an ordinary stop.
var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToArray();

// A service that ended before the host began stopping ended on its own: a failure even when it ended cancelled (an
// OperationCanceledException not of the host's making), which IsFaulted alone would miss. On SIGTERM nothing has ended yet.
var endedOnItsOwn = false;
host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
    endedOnItsOwn = services.Any(service => service.ExecuteTask is { IsCompleted: true, IsCompletedSuccessfully: false }));
await host.RunAsync();
return endedOnItsOwn || services.Any(service => service.ExecuteTask is { IsFaulted: true }) ? WorkerExitCodes.Failed : WorkerExitCodes.Stopped;
