using System.Globalization;
using System.Net;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Implausible records in an upload are a 400 naming record and field (never a 500) with nothing stored, or skipped with the reason.</summary>
public sealed class TelematicsIngestPlausibilityTests(PostgresDatabase database, ClassHost classHost) : IClassFixture<PostgresDatabase>, IClassFixture<ClassHost>
{
    private const int TripSeconds = 600;

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);

    private static Uri Events(long driverId, string query = "") =>
        new(string.Create(CultureInfo.InvariantCulture, $"/api/v1/telematics/events?driverId={driverId}{query}"), UriKind.Relative);

    private async Task<long> CountAsync(string table, long driverId)
    {
        await using var command = database.DataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE driver_id = $1");
        command.Parameters.AddWithValue(driverId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Record 301 (line 302 after the header) replaced by the given CSV row.</summary>
    private static string WithRow(string row)
    {
        var lines = DrivingBodies.Csv(1, TripSeconds).Split('\n');
        lines[301] = row;
        return string.Join('\n', lines);
    }

    public static TheoryData<string, string, string> Rows() => new()
    {
        { "-62135596800000,-25.4,-49.27,15,9001", "timestamp", "before 2000-01-01" },
        { "0,-25.4,-49.27,15,9001", "timestamp", "before 2000-01-01" },
        { "253402300799000,-25.4,-49.27,15,9001", "timestamp", "outside the plausible window" },
        { $"{DrivingBodies.Start.AddSeconds(300).ToUnixTimeMilliseconds()},-25.4,-49.27,Infinity,9001", "speed_mps", "not a finite number" },
        { $"{DrivingBodies.Start.AddSeconds(300).ToUnixTimeMilliseconds()},-25.4,-49.27,1e300,9001", "speed_mps", "not a finite number" },
        { $"{DrivingBodies.Start.AddSeconds(300).ToUnixTimeMilliseconds()},-25.4,-49.27,-50,9001", "speed_mps", "negative" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task An_implausible_row_is_a_400_naming_record_and_field_and_nothing_is_stored(string row, string field, string reason)
    {
        // Each case uploads for a driver of its own and what is stored is read from the database: the cases share the
        // class's host (six uploads are well within its ingest rate limit).
        var host = classHost.Get(database.ConnectionString);
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "plausible-" + Guid.NewGuid().ToString("N"));

        using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(WithRow(row), "text/csv"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.Equal(302, problem.GetProperty("record").GetInt64());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("telematics_events", driver));
        Assert.Equal(0, await CountAsync("trips", driver));
    }

    [Fact]
    public async Task In_skip_mode_a_year_one_row_is_skipped_with_its_reason_and_the_rest_stored()
    {
        await using var host = Host();
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "plausible-skip-" + Guid.NewGuid().ToString("N"));

        using var response = await admin.PostAsync(
            Events(driver, "&onError=skip"), DrivingBodies.Content(WithRow("-62135596800000,-25.4,-49.27,15,9001"), "text/csv"));
        var result = await ProblemAssert.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, result.GetProperty("rejected").GetInt64());
        var rejected = Assert.Single(result.GetProperty("rejectedRecords").EnumerateArray());
        Assert.Equal(302, rejected.GetProperty("record").GetInt64());
        Assert.Equal("timestamp", rejected.GetProperty("field").GetString());
        Assert.Equal(TripSeconds - 1, await CountAsync("telematics_events", driver));
    }

    [Fact]
    public async Task The_window_is_configured_under_Ingest_Plausibility()
    {
        await using var host = Host().With("Ingest:Plausibility:EarliestTimestamp", "2026-03-03T00:00:00Z");
        using var admin = host.ClientAs(TestTokens.Admin());
        var driver = await DrivingBodies.CreateDriverAsync(admin, "plausible-config-" + Guid.NewGuid().ToString("N"));

        // DrivingBodies start on 2026-03-02: the first record is now before the configured window.
        using var response = await admin.PostAsync(Events(driver), DrivingBodies.Content(DrivingBodies.Csv(1, TripSeconds), "text/csv"));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.Equal(2, problem.GetProperty("record").GetInt64());
        Assert.Equal("timestamp", problem.GetProperty("field").GetString());
    }
}
