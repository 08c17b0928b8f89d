using Npgsql;

using Telematics.Storage.Postgres.Connection;

using Xunit;

namespace Telematics.Testing;

/// <summary>
/// A fresh, empty database on the real PostgreSQL server that <c>./test.sh</c> starts, created for one test
/// class (use as <c>IClassFixture&lt;PostgresDatabase&gt;</c>) and dropped afterwards.
/// </summary>
/// <remarks>
/// The server comes from the <c>TELEMATICS_PG</c> environment variable. Without it the fixture fails with
/// a message saying how to get one: storage tests never pass by skipping the database.
/// </remarks>
public sealed class PostgresDatabase : IAsyncLifetime
{
    /// <summary>The variable <c>./test.sh</c> sets to the test server's connection string.</summary>
    public const string EnvironmentVariable = "TELEMATICS_PG";

    private NpgsqlDataSource? _dataSource;

    /// <summary>Name of the database made for this fixture.</summary>
    public string DatabaseName { get; } = "test_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Connection string to the fixture's own database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Connection string to the server's maintenance database.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests through ./test.sh, which starts PostgreSQL, " +
                $"or set {EnvironmentVariable} to a connection string of a PostgreSQL 15+ server you own.");

    /// <summary>A data source on the fixture's database.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(ServerConnectionString);
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = DatabaseName }.ConnectionString;
        // Named, so that its pool in a host's metrics (one meter per process) shows no connection details either.
        // Statements prepared after repeats, as AddTelematicsPostgres sets up the host's data source.
        _dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(ConnectionString) { MaxAutoPrepare = PostgresConnectionString.DefaultMaxAutoPrepare }.ConnectionString) { Name = "test-fixture" }.Build();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
