using Npgsql;

using StackExchange.Redis;

using Telematics.Api.Problems;
using Telematics.Testing;

namespace Telematics.Api.Tests.Problems;

/// <summary>
/// Only the database's own failures are answered 503 "nothing was stored": a timeout of another dependency (Redis's
/// derives from <see cref="TimeoutException"/>) after a write committed must not tell the client to send it again.
/// </summary>
public sealed class DatabaseOutageClassificationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_command_timeout_of_PostgreSQL_is_an_outage_and_a_timeout_of_Redis_is_not()
    {
        await using var command = database.DataSource.CreateCommand("SELECT pg_sleep(5)");
        command.CommandTimeout = 1;
        var npgsql = await Assert.ThrowsAnyAsync<NpgsqlException>(() => command.ExecuteNonQueryAsync());

        Assert.True(DatabaseOutage.IsTransient(npgsql), $"{npgsql.GetType().Name}: {npgsql.Message}");
        Assert.False(DatabaseOutage.IsTransient(new RedisTimeoutException("Timeout performing PUBLISH (5000ms)", CommandStatus.Sent)));
    }
}
