using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Problems;

namespace Telematics.Api.Endpoints;

/// <summary>The <c>/auth</c> group: development tokens for demos, and who the caller is.</summary>
internal static partial class AuthEndpoints
{
    private const int MaxSubjectLength = 128;

    /// <summary>Maps <c>POST /auth/token</c> (Development environment only) and <c>GET /auth/me</c>.</summary>
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api, IHostEnvironment environment)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");

        // Outside Development the route does not exist at all (404): no configuration can turn a production host into a token mint.
        if (environment.IsDevelopment())
        {
            auth.MapPost("/token", IssueToken)
                .AllowAnonymous()
                .WithName("IssueDevelopmentToken")
                .WithSummary("Issue a development token (Development environment only).")
                .WithDescription("Signs a bearer token for any subject and role, for demos and local testing. A driver token " +
                    "needs driverId and reaches only that driver; admin and analyst tokens must not carry one. The route " +
                    "is not mapped outside the Development environment.");
        }

        auth.MapGet("/me", GetMe)
            .RequireAuthorization()
            .WithName("GetCurrentUser")
            .WithSummary("Describe the caller.")
            .WithDescription("Returns the subject, role, permissions (from the role table) and driver id of the bearer token.");
        return auth;
    }

    private static Results<Ok<IssuedToken>, ValidationProblem> IssueToken(
        TokenRequest request, DevelopmentTokenIssuer issuer, HttpContext http, ILoggerFactory loggers)
    {
        var errors = Validate(request);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var token = issuer.Issue(request.Subject!, request.Role!, request.DriverId);
        AuthLog.IssuedDevelopmentToken(loggers.CreateLogger("Telematics.Api.Auth"), request.Subject!, request.Role!, token.ExpiresAt);

        // A response carrying a credential must not be stored by any cache (RFC 6749 §5.1).
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(token);
    }

    private static Ok<CurrentUser> GetMe(ClaimsPrincipal user)
    {
        var role = user.GetRole() ?? string.Empty;
        var granted = RolePermissions.Of(role);
        var permissions = new string[granted.Length];
        for (var i = 0; i < granted.Length; i++)
        {
            permissions[i] = granted[i].ToName();
        }

        return TypedResults.Ok(new CurrentUser(
            user.GetSubject() ?? string.Empty,
            role,
            permissions,
            user.TryGetDriverId(out var driverId) ? driverId : null));
    }

    private static ValidationErrors Validate(TokenRequest request)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.Subject))
        {
            errors.Add("subject", "subject is required.");
        }
        else if (request.Subject.Length > MaxSubjectLength || request.Subject.Any(char.IsControl))
        {
            errors.Add("subject", $"subject must be at most {MaxSubjectLength} characters without control characters.");
        }

        if (string.IsNullOrEmpty(request.Role))
        {
            errors.Add("role", "role is required: one of admin, analyst, driver.");
        }
        else if (!Roles.All.Contains(request.Role, StringComparer.Ordinal))
        {
            errors.Add("role", $"role '{request.Role}' is not one of admin, analyst, driver.");
        }
        else if (RolePermissions.IsConfinedToOwnDriver(request.Role))
        {
            if (string.IsNullOrEmpty(request.DriverId))
            {
                errors.Add("driverId", "driverId is required for the driver role.");
            }
            else if (!DriverIdPattern().IsMatch(request.DriverId))
            {
                errors.Add("driverId", "driverId must be 1–64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit.");
            }
            else if (request.DriverId.Length > 1 && request.DriverId[0] == '0' && request.DriverId.All(char.IsAsciiDigit))
            {
                // Driver routes take the id as a number: "07" would reach driver 7's uploads but read as another id anywhere
                // text is compared, so only the number as the API writes it is issued.
                errors.Add("driverId", "driverId must be written without leading zeros, as the API writes driver ids (7, not 07).");
            }
        }
        else if (request.DriverId is not null)
        {
            errors.Add("driverId", $"driverId applies only to the driver role; a {request.Role} token reaches every driver.");
        }

        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex DriverIdPattern();
}

/// <summary>The body of <c>POST /api/v1/auth/token</c>.</summary>
/// <param name="Subject">Who the token is for (1–128 characters).</param>
/// <param name="Role">admin, analyst or driver.</param>
/// <param name="DriverId">The driver a driver token belongs to; required for driver, absent otherwise.</param>
internal sealed record TokenRequest(string? Subject, string? Role, string? DriverId);

/// <summary>The answer of <c>GET /api/v1/auth/me</c>.</summary>
/// <param name="Subject">The token's subject.</param>
/// <param name="Role">The token's role.</param>
/// <param name="Permissions">The permissions the role holds, as wire names (e.g. <c>risk:read</c>).</param>
/// <param name="DriverId">The driver a driver token is confined to; null for other roles.</param>
internal sealed record CurrentUser(string Subject, string Role, string[] Permissions, string? DriverId);
