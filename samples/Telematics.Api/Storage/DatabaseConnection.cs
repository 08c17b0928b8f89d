using Npgsql;

namespace Telematics.Api.Storage;

/// <summary>
/// The host's single <see cref="NpgsqlDataSource"/> (the one <c>AddTelematicsPostgres</c> registers, shared by the
/// repositories and the readiness check), or the reason there is none.
/// </summary>
internal sealed class DatabaseConnection
{
    public DatabaseConnection(IServiceProvider services)
    {
        try
        {
            DataSource = services.GetRequiredService<NpgsqlDataSource>();
            Problem = string.Empty;
        }
        catch (InvalidOperationException ex)
        {
            // The storage registration throws this when neither ConnectionStrings:Telematics nor TELEMATICS_PG is set.
            Problem = ex.Message;
        }
        catch (ArgumentException ex)
        {
            Problem = $"The PostgreSQL connection string is invalid: {ex.Message}";
        }
    }

    /// <summary>The data source, or null when the connection string is missing or invalid.</summary>
    public NpgsqlDataSource? DataSource { get; }

    /// <summary>Why <see cref="DataSource"/> is null; empty otherwise.</summary>
    public string Problem { get; }
}
