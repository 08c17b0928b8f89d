using System.Net;
using Telematics.Api.Problems;
using Telematics.Api.Tests.Infrastructure;

namespace Telematics.Api.Tests.Auth;

/// <remarks>
/// The tests of one request with a token on a default host share the class's host: how a token is judged depends on the
/// token alone. The tests of a host's start start their own.
/// </remarks>
public sealed class BearerValidationTests(ClassHost classHost) : IClassFixture<ClassHost>
{
    private static readonly Uri Me = new("/api/v1/auth/me", UriKind.Relative);

    [Fact]
    public async Task A_token_signed_with_the_configured_key_reaches_a_protected_endpoint()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(TestTokens.Analyst());

        using var response = await client.GetAsync(Me);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task No_token_is_401_problem_with_a_bearer_challenge()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(null);

        using var response = await client.GetAsync(Me);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task An_expired_token_is_401_problem_that_says_it_expired()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(TestTokens.Create("admin", expires: DateTime.UtcNow.AddMinutes(-5)));

        using var response = await client.GetAsync(Me);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Contains("expired", Assert.Single(response.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_401_problem()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(TestTokens.Create("admin", audience: "some-other-api"));

        using var response = await client.GetAsync(Me);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_401_problem()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(TestTokens.Create("admin", issuer: "someone-else"));

        using var response = await client.GetAsync(Me);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401_problem()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(TestTokens.Create("admin", key: "a-different-key-that-is-long-enough-0123456789"));

        using var response = await client.GetAsync(Me);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task An_unsigned_token_is_401_problem_even_with_valid_claims()
    {
        var host = classHost.Get();
        var signed = TestTokens.Admin();
        var payload = signed.Split('.')[1];
        var unsignedHeader = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        using var client = host.ClientAs($"{unsignedHeader}.{payload}.");

        using var response = await client.GetAsync(Me);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task Outside_Development_the_host_refuses_to_start_without_a_signing_key()
    {
        await using var host = new ApiHost(environment: "Production", withSigningKey: false);

        var error = Assert.Throws<InvalidOperationException>(() => host.CreateClient());

        Assert.Contains("Auth:SigningKey is not configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signing_key_shorter_than_32_bytes_is_refused_at_start()
    {
        await using var host = new ApiHost(environment: "Production").With("Auth:SigningKey", "too-short");

        var error = Assert.Throws<InvalidOperationException>(() => host.CreateClient());

        Assert.Contains("needs at least 32", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("abababababababababababababababababababab")]
    [InlineData("passwordpasswordpasswordpassword")]
    public async Task A_long_but_guessable_signing_key_is_refused_at_start_in_production(string key)
    {
        await using var host = new ApiHost(environment: "Production").With("Auth:SigningKey", key);

        var error = Assert.Throws<InvalidOperationException>(() => host.CreateClient());

        Assert.Contains("looks guessable", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_random_key_estimates_well_above_the_minimum_and_a_repeated_one_at_zero()
    {
        var random = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));

        Assert.True(Telematics.Api.Auth.SigningKeyMaterial.EstimatedEntropyBits(random) > 2 * Telematics.Api.Auth.SigningKeyMaterial.MinimumEntropyBits);
        Assert.Equal(0, Telematics.Api.Auth.SigningKeyMaterial.EstimatedEntropyBits(new string('a', 64)));
    }

    [Fact]
    public async Task In_Development_without_a_key_tokens_from_the_token_endpoint_still_work_within_the_process()
    {
        await using var host = new ApiHost(withSigningKey: false);
        using var anonymous = host.ClientAs(null);
        var token = await DevelopmentTokens.IssueAsync(anonymous, "dana", "admin");

        using var client = host.ClientAs(token);
        using var response = await client.GetAsync(Me);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("driver", "admin")]
    [InlineData("admin", "driver")]
    [InlineData("driver", "driver")]
    public async Task A_token_with_more_than_one_role_claim_is_401_problem(string first, string second)
    {
        var host = classHost.Get();
        using var client = host.ClientAs(TestTokens.WithRoles("1", first, second));

        using var me = await client.GetAsync(Me);
        using var admin = await client.GetAsync(new Uri("/api/v1/admin/audit", UriKind.Relative));

        await ProblemAssert.IsProblemAsync(me, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(me.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
    }

    [Fact]
    public async Task A_token_with_one_role_in_an_array_is_accepted()
    {
        var host = classHost.Get();
        using var client = host.ClientAs(TestTokens.WithRoles("1", "analyst"));

        using var me = await client.GetAsync(Me);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
