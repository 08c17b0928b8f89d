using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Schema;

/// <summary>Every foreign key has an index that leads with its columns, so deletes of the referenced rows do not scan.</summary>
public sealed class ForeignKeyIndexTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    // A foreign key is supported by a non-partial index whose first columns are exactly the key's columns (any order).
    private const string UnindexedForeignKeys = """
        SELECT c.conrelid::regclass::text || '(' ||
               (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)) ||
               ') -> ' || c.confrelid::regclass::text
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
          AND NOT EXISTS (
              SELECT 1 FROM pg_index i
              WHERE i.indrelid = c.conrelid AND i.indpred IS NULL
                AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
                AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
        ORDER BY 1
        """;

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_catalog_query_finds_a_foreign_key_without_index()
    {
        await ExecuteAsync(database.DataSource, "CREATE TABLE fk_probe (probe_id bigint PRIMARY KEY, driver_id bigint REFERENCES drivers (driver_id))");
        try
        {
            Assert.Contains("fk_probe(driver_id) -> drivers", await ListAsync());
            await ExecuteAsync(database.DataSource, "CREATE INDEX fk_probe_partial ON fk_probe (driver_id) WHERE driver_id > 10");
            Assert.Contains("fk_probe(driver_id) -> drivers", await ListAsync());
            await ExecuteAsync(database.DataSource, "CREATE INDEX fk_probe_driver ON fk_probe (driver_id, probe_id)");
            Assert.DoesNotContain("fk_probe(driver_id) -> drivers", await ListAsync());
        }
        finally
        {
            await ExecuteAsync(database.DataSource, "DROP TABLE fk_probe");
        }
    }

    [Fact]
    public async Task No_foreign_key_of_the_schema_lacks_a_supporting_index()
    {
        var unindexed = await ListAsync();

        Assert.True(unindexed.Count == 0, "foreign keys without a supporting index: " + string.Join("; ", unindexed));
    }

    [Fact]
    public async Task Every_table_has_a_comment()
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition " +
            "AND obj_description(c.oid, 'pg_class') IS NULL ORDER BY 1");
        var missing = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            missing.Add(reader.GetString(0));
        }

        Assert.True(missing.Count == 0, "tables without COMMENT ON: " + string.Join(", ", missing));
    }

    private async Task<List<string>> ListAsync()
    {
        await using var command = database.DataSource.CreateCommand(UnindexedForeignKeys);
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
