using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Api.Tests.Storage;

public sealed class StartupMigrationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Starting_the_host_applies_every_migration_to_a_fresh_database()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)MigrationRunner.Embedded.Count, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_host_shares_one_data_source_between_the_repositories_and_readiness()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var client = host.ClientAs(null);
        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        var registered = host.Services.GetRequiredService<NpgsqlDataSource>();
        var readiness = host.Services.GetRequiredService<Telematics.Api.Storage.DatabaseConnection>();

        Assert.Same(registered, readiness.DataSource);
    }

    [Fact]
    public async Task Ready_reports_the_default_model_the_registry_serves()
    {
        await using var host = new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
        using var client = host.ClientAs(TestTokens.Admin()); // the checks' descriptions are for operators

        using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var models = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "models");
        Assert.Equal("Healthy", models.GetProperty("status").GetString());
        Assert.Equal("Serving builtin-rules@1.", models.GetProperty("description").GetString());
    }
}
