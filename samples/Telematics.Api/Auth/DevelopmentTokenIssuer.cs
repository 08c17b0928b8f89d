using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Telematics.Api.Auth;

/// <summary>Signs demo tokens with the host's own key; used only by the Development token endpoint. Thread-safe.</summary>
internal sealed class DevelopmentTokenIssuer(IOptions<AuthOptions> options, SigningKeyMaterial signingKey, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Issues a token for <paramref name="subject"/> in <paramref name="role"/>; the arguments must already be validated.</summary>
    public IssuedToken Issue(string subject, string role, string? driverId)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var expires = now.AddMinutes(settings.TokenLifetimeMinutes);

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [TelematicsClaims.Subject] = subject,
            [TelematicsClaims.Role] = role,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (driverId is not null)
        {
            claims[TelematicsClaims.DriverId] = driverId;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(signingKey.Key, SecurityAlgorithms.HmacSha256),
        });

        return new IssuedToken(token, "Bearer", expires, settings.TokenLifetimeMinutes * 60);
    }
}

/// <summary>A signed token and when it stops working.</summary>
/// <param name="AccessToken">The compact JWT to send as <c>Authorization: Bearer …</c>.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresAt">The instant the token expires (UTC).</param>
/// <param name="ExpiresIn">Seconds from issue to expiry.</param>
internal sealed record IssuedToken(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, int ExpiresIn);
