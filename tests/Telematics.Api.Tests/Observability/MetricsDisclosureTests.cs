using System.Net;

using Npgsql;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Observability;

/// <summary>The anonymous <c>/metrics</c> endpoint names the database pool, never its connection details.</summary>
public sealed class MetricsDisclosureTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_connection_pool_is_named_telematics_not_after_its_host_port_user_or_database()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        using var client = host.ClientAs(null);
        using var query = await admin.GetAsync(new Uri("/api/v1/drivers", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        Assert.Contains("db_client_connection", text, StringComparison.Ordinal);
        Assert.Contains("=\"telematics\"", text, StringComparison.Ordinal);
        // Metrics are per process: the test fixture's own pool is named too, so the host's database may show only through
        // the host's pool. (The fixture's admin connection to the server's default database keeps its unnamed pool.)
        Assert.DoesNotContain(connection.Database!, text, StringComparison.Ordinal);
    }
}
