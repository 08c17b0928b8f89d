using Npgsql;

using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A worker process that fails for good stops with a non-zero exit code, so that a supervisor (systemd, Kubernetes) sees
/// a failure and not an ordinary stop.
/// </summary>
public sealed class WorkerExitTests(NatsServer nats) : IClassFixture<NatsServer>
{
    [Fact]
    public void A_worker_whose_database_refuses_its_password_exits_non_zero()
    {
        var wrong = new NpgsqlConnectionStringBuilder(PostgresDatabase.ServerConnectionString) { Password = "not-" + Guid.NewGuid().ToString("N") }.ConnectionString;
        using var worker = WorkerProcess.Start(wrong, nats.Url, ["--Logging:LogLevel:Default=Warning"]);

        var exit = worker.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.NotNull(exit);
        Assert.Equal(1, exit);
    }
}
