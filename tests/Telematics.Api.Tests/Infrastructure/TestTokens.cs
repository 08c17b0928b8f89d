using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>Signs tokens the way an external issuer would, so tests can vary key, audience, issuer and lifetime.</summary>
internal static class TestTokens
{
    public const string OwnDriverId = "drv-own";
    public const string OtherDriverId = "drv-other";

    private static readonly JsonWebTokenHandler Handler = new();

    public static string Admin() => Create("admin");

    public static string Analyst() => Create("analyst");

    public static string Driver(string driverId = OwnDriverId) => Create("driver", driverId);

    public static string ForRole(string role) => role switch
    {
        "driver" => Driver(),
        _ => Create(role),
    };

    /// <summary>A token whose <c>role</c> claim is an array: one claim per element once read.</summary>
    public static string WithRoles(string driverId, params string[] roles) => Create(roles, driverId, "tester", ApiHost.SigningKey, ApiHost.Issuer, ApiHost.Audience, null);

    public static string Create(
        string role,
        string? driverId = null,
        string subject = "tester",
        string key = ApiHost.SigningKey,
        string issuer = ApiHost.Issuer,
        string audience = ApiHost.Audience,
        DateTime? expires = null) =>
        Create((object)role, driverId, subject, key, issuer, audience, expires);

    private static string Create(object role, string? driverId, string subject, string key, string issuer, string audience, DateTime? expires)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["role"] = role };
        if (driverId is not null)
        {
            claims["driver_id"] = driverId;
        }

        var expiry = expires ?? now.AddMinutes(10);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = expiry.AddMinutes(-20),
            NotBefore = expiry.AddMinutes(-20),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
