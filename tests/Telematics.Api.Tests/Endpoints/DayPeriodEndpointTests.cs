using System.Net;
using Telematics.Api.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Api.Tests.Endpoints;

/// <summary>Every endpoint with a <c>from</c>/<c>to</c> day query refuses days out of range with a 400 naming the field, never a 500.</summary>
public sealed class DayPeriodEndpointTests(PostgresDatabase database, ClassHost classHost) : IClassFixture<PostgresDatabase>, IClassFixture<ClassHost>
{
    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        string[] driverReads = ["trips", "trips/summary", "statistics", "alerts"];
        string[] dashboards = ["summary", "risk-distribution", "trip-activity"];
        foreach (var read in driverReads)
        {
            data.Add($"/api/v1/drivers/7/{read}?from=9999-12-31&to=9999-12-31", "from", true);
            data.Add($"/api/v1/drivers/7/{read}?to=9999-12-31", "to", true);
            data.Add($"/api/v1/drivers/7/{read}?to=0001-01-01", "to", true);
        }

        foreach (var dashboard in dashboards)
        {
            data.Add($"/api/v1/admin/dashboard/{dashboard}?from=9999-12-31&to=9999-12-31", "from", false);
            data.Add($"/api/v1/admin/dashboard/{dashboard}?from=0001-01-01", "from", false);
        }

        data.Add("/api/v1/experiments/any/metrics?from=9999-12-31&to=9999-12-31", "from", false);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_out_of_range_day_is_a_400_naming_the_field(string path, string field, bool asDriver)
    {
        // The refusal depends on the query alone: the cases share the class's host.
        var host = classHost.Get(database.ConnectionString);
        using var client = host.ClientAs(asDriver ? TestTokens.Driver("7") : TestTokens.Admin());

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "https://telematics.dev/problems/validation");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name {field}");
        Assert.EndsWith("must be a day from 2000-01-01 to 2100-12-31.", messages[0].GetString(), StringComparison.Ordinal);
    }
}
