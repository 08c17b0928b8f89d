using Npgsql;
using Telematics.Testing;

namespace Telematics.Storage.Postgres.Tests.Infrastructure;

/// <summary>Proves that the PostgreSQL the test command starts is a real server we can write to.</summary>
public sealed class PostgresServerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_row_written_through_Npgsql_reads_back_from_the_real_server()
    {
        await using (var create = database.DataSource.CreateCommand("CREATE TABLE probe (id bigint PRIMARY KEY, note text NOT NULL, at timestamptz NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var at = new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero);
        await using (var insert = database.DataSource.CreateCommand("INSERT INTO probe (id, note, at) VALUES ($1, $2, $3)"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = 42L });
            insert.Parameters.Add(new NpgsqlParameter { Value = "Curitiba → São Paulo" });
            insert.Parameters.Add(new NpgsqlParameter { Value = at });
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        await using var select = database.DataSource.CreateCommand("SELECT note, at FROM probe WHERE id = 42");
        await using var reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("Curitiba → São Paulo", reader.GetString(0));
        Assert.Equal(at, reader.GetFieldValue<DateTimeOffset>(1));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task The_server_is_PostgreSQL_15_or_newer()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.True(connection.PostgreSqlVersion.Major >= 15, $"PostgreSQL {connection.PostgreSqlVersion} is older than 15.");
    }

    [Fact]
    public async Task A_violated_constraint_surfaces_as_a_PostgresException_with_its_sql_state()
    {
        await using (var create = database.DataSource.CreateCommand("CREATE TABLE unique_probe (id int PRIMARY KEY)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var insert = database.DataSource.CreateCommand("INSERT INTO unique_probe VALUES (1), (1)");
        var error = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.UniqueViolation, error.SqlState);
    }
}
