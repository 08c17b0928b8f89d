namespace Telematics.Api.Auth;

/// <summary>Log events of the auth layer (event ids 1000–1099). Never logs a token or a position.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning,
        Message = "Auth:SigningKey is not set: tokens are signed with a random key made for this process and will not survive a restart.")]
    public static partial void GeneratedDevelopmentSigningKey(ILogger logger);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information,
        Message = "Issued a development token for subject {Subject} with role {Role}, valid until {ExpiresAt:o}.")]
    public static partial void IssuedDevelopmentToken(ILogger logger, string subject, string role, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Bearer token refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string reason);
}
