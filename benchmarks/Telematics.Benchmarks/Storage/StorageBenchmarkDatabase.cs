using System.Diagnostics;

using Npgsql;

using Telematics.Storage.Postgres.Migrations;

namespace Telematics.Benchmarks.Storage;

/// <summary>
/// A migrated database for the storage benchmarks on the server named by <c>TELEMATICS_PG</c>
/// (e.g. <c>TELEMATICS_PG=$(scripts/pg.sh url bench)</c>), dropped and re-created for each benchmark class.
/// </summary>
internal sealed class StorageBenchmarkDatabase : IDisposable
{
    private readonly string _server;

    public StorageBenchmarkDatabase(string name)
    {
        _server = Environment.GetEnvironmentVariable("TELEMATICS_PG")
            ?? throw new InvalidOperationException("Set TELEMATICS_PG to a PostgreSQL server (e.g. $(scripts/pg.sh url bench)) to run the storage benchmarks.");
        Name = name;
        Execute(_server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        Execute(_server, $"CREATE DATABASE \"{name}\"");
        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = name }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        new MigrationRunner(DataSource).ApplyAsync().GetAwaiter().GetResult();
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public void Execute(string sql) => Execute(ConnectionString, sql);

    /// <summary>Runs psql against the database with the given extra arguments, failing on any error.</summary>
    public void Psql(params string[] arguments)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        var start = new ProcessStartInfo("psql") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", Name, "-v", "ON_ERROR_STOP=1", "-q", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = builder.Password;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("psql failed: " + error);
        }
    }

    public void Dispose()
    {
        DataSource.Dispose();
        NpgsqlConnection.ClearAllPools();
        Execute(_server, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }
}
