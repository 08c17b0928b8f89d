using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
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
}
