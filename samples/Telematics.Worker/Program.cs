using Microsoft.Extensions.Hosting;

using Telematics.Worker;

// Ingest workers only (no HTTP): `dotnet run --project samples/Telematics.Worker` with TELEMATICS_PG and TELEMATICS_NATS set.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddTelematicsWorker(builder.Configuration);
await builder.Build().RunAsync();
