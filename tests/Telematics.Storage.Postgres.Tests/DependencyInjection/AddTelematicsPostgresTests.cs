using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using Npgsql;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Testing;

namespace Telematics.Storage.Postgres.Tests.DependencyInjection;

public sealed class AddTelematicsPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_registered_services_share_one_data_source_and_work_against_the_database()
    {
        var services = new ServiceCollection().AddTelematicsPostgres(options => options.ConnectionString = database.ConnectionString);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<MigrationRunner>().ApplyAsync();
        var result = await provider.GetRequiredService<EventIngestor>().IngestAsync(
            5, Infrastructure.StorageTestContext.Samples(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), 10), new AuditActor("di"));

        Assert.Equal(10, result.Stored);
        Assert.True((await provider.GetRequiredService<AuditLog>().VerifyAsync(null)).IsIntact);
    }

    [Fact]
    public void Invalid_options_fail_with_messages_naming_each_setting()
    {
        var services = new ServiceCollection().AddTelematicsPostgres(options =>
        {
            options.ConnectionString = database.ConnectionString;
            options.PremakeMonths = -1;
            options.RetentionMonths = 0;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TelematicsPostgresOptions>>().Value);
        Assert.Contains("PremakeMonths", error.Message, StringComparison.Ordinal);
        Assert.Contains("RetentionMonths", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_statements_are_prepared_on_the_server_unless_the_connection_string_says_otherwise()
    {
        Assert.Equal(1, await PreparedAfterRepeatsAsync(database.ConnectionString));
        var off = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxAutoPrepare = 0 }.ConnectionString;
        Assert.Equal(0, await PreparedAfterRepeatsAsync(off));
    }

    // Runs one statement ten times on one connection of the registered data source and counts the server's prepared statements.
    private static async Task<long> PreparedAfterRepeatsAsync(string connectionString)
    {
        var services = new ServiceCollection().AddTelematicsPostgres(options => options.ConnectionString = connectionString);
        await using var provider = services.BuildServiceProvider();
        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();
        Assert.Equal(connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) ? 0 : PostgresConnectionString.DefaultMaxAutoPrepare,
            new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxAutoPrepare);
        await using var connection = await dataSource.OpenConnectionAsync();
        for (var i = 0; i < 10; i++)
        {
            await using var repeat = new NpgsqlCommand("SELECT $1::int + 1", connection) { Parameters = { new() { Value = i } } };
            await repeat.ExecuteScalarAsync();
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + 1%'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
