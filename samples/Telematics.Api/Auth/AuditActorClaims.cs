using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Api.Auth;

/// <summary>Who a request's audit rows name.</summary>
internal static class AuditActorClaims
{
    private const string Prefix = "api:";

    // An audit actor holds at most 200 characters.
    private const int MaxSubjectLength = 200 - 4;

    /// <summary>
    /// The audit actor of a request: the token subject, prefixed <c>api:</c>, and the client address. A subject an audit
    /// row cannot hold as it is (longer than 196 characters, as a federated identity provider may issue, or with control
    /// characters) is recorded as <c>api:sha256:</c> and the hex SHA-256 of its UTF-8 bytes: the same subject always gives
    /// the same actor, and its writes are not refused.
    /// </summary>
    public static AuditActor AuditActor(this ClaimsPrincipal user, HttpContext http) =>
        new(Prefix + Recordable(user.GetSubject() ?? "unknown"), http.Connection.RemoteIpAddress);

    private static string Recordable(string subject) =>
        subject.Length <= MaxSubjectLength && !subject.AsSpan().ContainsAnyInRange('\0', '\u001f') && !subject.Contains('\u007f', StringComparison.Ordinal)
            ? subject
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)));
}
