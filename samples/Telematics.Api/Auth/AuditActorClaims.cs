using System.Security.Claims;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Api.Auth;

/// <summary>Who a request's audit rows name.</summary>
internal static class AuditActorClaims
{
    /// <summary>The audit actor of a request: the token subject, prefixed <c>api:</c>, and the client address.</summary>
    public static AuditActor AuditActor(this ClaimsPrincipal user, HttpContext http) =>
        new("api:" + (user.GetSubject() ?? "unknown"), http.Connection.RemoteIpAddress);
}
