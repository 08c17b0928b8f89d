using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>The driver endpoints' calls and the OpenAPI examples' bodies, as the driver-profile tests use them.</summary>
internal static class DriverCalls
{
    public static readonly Uri Drivers = new("/api/v1/drivers", UriKind.Relative);

    public static Uri One(long id) => new(string.Create(CultureInfo.InvariantCulture, $"/api/v1/drivers/{id}"), UriKind.Relative);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static JsonElement RequestExample(JsonElement operation) =>
        operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");

    public static JsonElement ResponseExample(JsonElement operation, string status) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("example");

    /// <summary>Creates a driver (201 expected) and returns its id.</summary>
    public static async Task<long> CreateAsync(HttpClient admin, object body)
    {
        using var created = await admin.PostAsJsonAsync(Drivers, body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await ProblemAssert.JsonAsync(created)).GetProperty("driverId").GetInt64();
    }

    /// <summary>Patches a driver (200 expected) and returns the answer.</summary>
    public static async Task<JsonElement> PatchAsync(HttpClient admin, long id, string json)
    {
        using var response = await admin.PatchAsync(One(id), Json(json));
        var body = await ProblemAssert.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PATCH {json}: {(int)response.StatusCode} {body}");
        return body;
    }
}
