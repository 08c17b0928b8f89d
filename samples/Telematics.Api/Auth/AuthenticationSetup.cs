using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Telematics.Api.Auth;

/// <summary>Registers JWT bearer authentication with issuer, audience and key from the <c>Auth</c> section.</summary>
internal static class AuthenticationSetup
{
    /// <summary>
    /// Adds JWT bearer validation and the development token issuer. Resolves the signing key now, so a host outside
    /// Development without <c>Auth:SigningKey</c> fails at start-up, not at its first request.
    /// </summary>
    /// <exception cref="InvalidOperationException">The signing key is missing outside Development, or too short.</exception>
    public static WebApplicationBuilder AddTelematicsAuthentication(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AuthOptions.SectionName);
        builder.Services.AddOptions<AuthOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        var signingKey = SigningKeyMaterial.Resolve(section[nameof(AuthOptions.SigningKey)], builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(signingKey);
        builder.Services.AddSingleton<DevelopmentTokenIssuer>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, SigningKeyMaterial, ILoggerFactory>(Configure);
        return builder;
    }

    private static void Configure(JwtBearerOptions bearer, IOptions<AuthOptions> options, SigningKeyMaterial signingKey, ILoggerFactory loggers)
    {
        var settings = options.Value;

        // Keep claim names as issued ("sub", "role") instead of mapping them to long WS-* URIs.
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            IssuerSigningKey = signingKey.Key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
            NameClaimType = TelematicsClaims.Subject,
            RoleClaimType = TelematicsClaims.Role,
        };

        var logger = loggers.CreateLogger("Telematics.Api.Auth");
        bearer.Events = new JwtBearerEvents
        {
            // Browsers cannot set headers on a WebSocket: the live hub alone takes the token as ?access_token= (SignalR's
            // convention). Request URLs are never logged by this host (RequestUrlLogFilter holds ASP.NET Core's request log
            // off whatever the configuration says), so the token does not end up in a log either.
            OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments(Live.LiveHub.Route, StringComparison.OrdinalIgnoreCase)
                    && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                // Each of these claims is read as one value: a token with two roles (or drivers) would be judged by whichever
                // came first, so it is refused whole, as a bad signature is.
                if (context.Principal is { } principal
                    && (principal.FindAll(TelematicsClaims.Role).Skip(1).Any() || principal.FindAll(TelematicsClaims.DriverId).Skip(1).Any()))
                {
                    AuthLog.TokenRefused(logger, "more than one role or driver_id claim");
                    context.Fail("The token carries more than one role or driver_id claim.");
                }

                return Task.CompletedTask;
            },
            OnAuthenticationFailed = context =>
            {
                // The exception type names the reason (expired, bad signature, wrong audience) without echoing the token.
                AuthLog.TokenRefused(logger, context.Exception.GetType().Name);
                return Task.CompletedTask;
            },
        };
    }
}
