using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Telematics.Api.Problems;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Problems;

public sealed class ProblemResponseTests
{
    [Fact]
    public async Task An_unhandled_exception_is_500_problem_with_a_trace_id_and_no_internals()
    {
        await using var host = new ApiHost().WithRoutes(api =>
            api.MapGet("/test/throw", string () => throw new InvalidOperationException("secret connection detail")));
        using var client = host.ClientAs(TestTokens.Admin());

        using var response = await client.GetAsync(new Uri("/api/v1/test/throw", UriKind.Relative));
        var body = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError, ProblemTypes.Internal);

        Assert.False(string.IsNullOrEmpty(body.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("secret", body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forbidden_request_is_403_problem()
    {
        await using var host = new ApiHost().WithRoutes(api =>
            api.MapGet("/test/audit", () => Results.Ok()).RequireAuthorization("audit:read"));
        using var client = host.ClientAs(TestTokens.Analyst());

        using var response = await client.GetAsync(new Uri("/api/v1/test/audit", UriKind.Relative));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
    }

    [Fact]
    public async Task A_known_route_called_with_another_method_is_405_problem()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(TestTokens.Admin());

        using var response = await client.GetAsync(new Uri("/api/v1/auth/token", UriKind.Relative));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, ProblemTypes.MethodNotAllowed);
    }

    [Fact]
    public async Task A_body_of_a_content_type_the_endpoint_does_not_read_is_415_problem()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(TestTokens.Admin());
        using var content = new StringContent("subject=x", System.Text.Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), content);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
    }

    [Fact]
    public void Every_status_with_a_kind_maps_to_its_own_type_uri()
    {
        int[] statuses = [400, 401, 403, 404, 405, 409, 413, 414, 415, 429, 431, 500, 503];

        var types = statuses.Select(ProblemTypes.ForStatus).ToArray();

        Assert.Equal(statuses.Length, types.Distinct(StringComparer.Ordinal).Count());
        Assert.All(types, type => Assert.True(ProblemTypes.IsOwn(type)));
        Assert.DoesNotContain(ProblemTypes.Unknown, types);
        Assert.Equal(ProblemTypes.Unknown, ProblemTypes.ForStatus(418));
    }

    [Fact]
    public async Task A_value_that_cannot_be_bound_is_answered_with_the_form_it_should_take()
    {
        await using var host = new ApiHost().WithRoutes(api =>
        {
            api.MapGet("/test/day", (DateOnly? periodEnd) => Results.Ok(periodEnd));
            api.MapGet("/test/date", (DateOnly day) => Results.Ok(day));
            api.MapGet("/test/at", (DateTimeOffset? at) => Results.Ok(at));
            api.MapGet("/test/flag", (bool? dryRun) => Results.Ok(dryRun));
            api.MapGet("/test/ratio", (double ratio) => Results.Ok(ratio));
            api.MapGet("/test/id", (long id) => Results.Ok(id));
        });
        using var client = host.ClientAs(TestTokens.Admin());
        (string Query, string Field, string Form)[] cases =
        [
            ("day?periodEnd=2019-13-01", "periodEnd", "give a date as YYYY-MM-DD"),
            // Read by the framework as 3 January: refused, as an ambiguous date.
            ("date?day=01/03/2026", "day", "give a date as YYYY-MM-DD"),
            ("day?periodEnd=2026-3-1", "periodEnd", "give a date as YYYY-MM-DD"),
            ("at?at=yesterday", "at", "give an ISO 8601 instant"),
            // Bound by the framework in the server's own time zone: refused for want of an offset.
            ("at?at=2026-03-01T08:00:00", "at", "give an ISO 8601 instant"),
            ("at?at=03/01/2026", "at", "give an ISO 8601 instant"),
            ("flag?dryRun=yes", "dryRun", "give true or false"),
            ("ratio?ratio=half", "ratio", "give a number, with '.' as the decimal point"),
            ("id?id=1.5", "id", "give a whole number"),
        ];

        foreach (var (query, field, form) in cases)
        {
            using var response = await client.GetAsync(new Uri($"/api/v1/test/{query}", UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var body = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
            var error = body.GetProperty("errors").GetProperty(field)[0].GetString();
            Assert.True(error!.Contains(form, StringComparison.Ordinal), $"{query}: {error}");
        }

        // Every API route has the check, not only the test's.
        using var dashboard = await client.GetAsync(new Uri("/api/v1/admin/dashboard/risk-distribution?from=01/03/2026", UriKind.Relative));
        var refused = await ProblemAssert.IsProblemAsync(dashboard, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Contains("YYYY-MM-DD", refused.GetProperty("errors").GetProperty("from")[0].GetString(), StringComparison.Ordinal);
        using var iso = await client.GetAsync(new Uri("/api/v1/test/day?periodEnd=2026-03-01", UriKind.Relative));
        Assert.Equal("\"2026-03-01\"", await iso.Content.ReadAsStringAsync());
        using var instant = await client.GetAsync(new Uri("/api/v1/test/at?at=2026-03-01T08:00:00%2B02:00", UriKind.Relative));
        Assert.Equal("\"2026-03-01T08:00:00+02:00\"", await instant.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_parameter_the_framework_cannot_bind_is_a_validation_problem_in_our_words_naming_it()
    {
        await using var host = new ApiHost().WithRoutes(api => api.MapGet("/test/typed", (int count) => Results.Ok(count)));
        using var client = host.ClientAs(TestTokens.Admin());

        using var bad = await client.GetAsync(new Uri("/api/v1/test/typed?count=many", UriKind.Relative));
        using var missing = await client.GetAsync(new Uri("/api/v1/test/typed", UriKind.Relative));
        var badBody = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        var missingBody = await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.BadRequest, ProblemTypes.Validation);

        Assert.Equal("The value is not valid for this parameter: give a whole number.", badBody.GetProperty("errors").GetProperty("count")[0].GetString());
        Assert.Equal("A value is required.", missingBody.GetProperty("errors").GetProperty("count")[0].GetString());
        foreach (var text in new[] { badBody.ToString(), missingBody.ToString() })
        {
            // The framework's words name CLR types ("Int32", "int count") and where it looked ("query string").
            Assert.DoesNotContain("int count", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Failed to bind", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_too_long_address_and_too_large_headers_are_414_and_431_problems_with_the_security_headers()
    {
        await using var host = new ApiHost();
        using var client = host.ClientAs(TestTokens.Admin());
        using var longHeaders = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/live", UriKind.Relative));
        longHeaders.Headers.Add("X-Padding", new string('p', 33 * 1024));

        using var tooLong = await client.GetAsync(new Uri("/api/v1/drivers?q=" + new string('a', 9000), UriKind.Relative));
        using var tooLarge = await client.SendAsync(longHeaders);

        await ProblemAssert.IsProblemAsync(tooLong, HttpStatusCode.RequestUriTooLong, ProblemTypes.UriTooLong);
        await ProblemAssert.IsProblemAsync(tooLarge, HttpStatusCode.RequestHeaderFieldsTooLarge, ProblemTypes.HeadersTooLarge);
        foreach (var response in new[] { tooLong, tooLarge })
        {
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task An_unhandled_exception_still_carries_the_security_headers()
    {
        await using var host = new ApiHost().WithRoutes(api =>
            api.MapGet("/test/throw-headers", string () => throw new InvalidOperationException("boom")));
        using var client = host.ClientAs(TestTokens.Admin());

        using var response = await client.GetAsync(new Uri("/api/v1/test/throw-headers", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }
}
