using System.Security.Cryptography;

using Npgsql;

using Telematics.Storage.Postgres.Migrations;

using Xunit;

namespace Telematics.Testing;

/// <summary>
/// A database of its own with the three roles of migration 0015, as <c>scripts/pg.sh roles</c> and <c>grant</c> make
/// them: the owner owns it and ran the migrations, the application and maintenance roles got their grants. The roles
/// have names of their own and are dropped with the database.
/// </summary>
public sealed class LeastPrivilegeDatabase : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>The role that owns the schema and runs migrations.</summary>
    public string Owner => "lp_owner_" + _suffix;

    /// <summary>The role the host and the CLI connect as.</summary>
    public string App => "lp_app_" + _suffix;

    /// <summary>The role partition maintenance connects as (a member of the owner).</summary>
    public string Maintenance => "lp_maint_" + _suffix;

    /// <summary>The superuser's data source on the database (to tamper as an attacker with full control would).</summary>
    public NpgsqlDataSource Superuser => _database.DataSource;

    /// <summary>A connection string to the database as <paramref name="role"/>, unpooled.</summary>
    public string ConnectionStringAs(string role) =>
        new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Username = role, Password = _password, Pooling = false }.ConnectionString;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        foreach (var role in new[] { Owner, App, Maintenance })
        {
            await ExecuteAsync(Superuser, $"CREATE ROLE {role} LOGIN PASSWORD '{_password}'");
        }

        // PostgreSQL 15: the database owner holds the public schema's CREATE right (pg_database_owner). Membership in
        // the owner is granted by whoever made the roles.
        await ExecuteAsync(Superuser, $"ALTER DATABASE \"{_database.DatabaseName}\" OWNER TO {Owner}; GRANT {Owner} TO {Maintenance}");
        await using var owner = NpgsqlDataSource.Create(ConnectionStringAs(Owner));
        await new MigrationRunner(owner).ApplyAsync();
        await ExecuteAsync(owner, $"SELECT telematics_grant_roles('{App}', '{Maintenance}')");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await using var server = NpgsqlDataSource.Create(PostgresDatabase.ServerConnectionString);
        foreach (var role in new[] { App, Maintenance, Owner })
        {
            await ExecuteAsync(server, $"DROP ROLE IF EXISTS {role}");
        }
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
