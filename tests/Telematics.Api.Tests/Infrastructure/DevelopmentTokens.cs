using System.Net.Http.Json;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>Gets a token from the host's own Development token endpoint.</summary>
internal static class DevelopmentTokens
{
    public static async Task<string> IssueAsync(HttpClient client, string subject, string role, string? driverId = null)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new { subject, role, driverId });
        response.EnsureSuccessStatusCode();
        var body = await ProblemAssert.JsonAsync(response);
        return body.GetProperty("accessToken").GetString()!;
    }
}
