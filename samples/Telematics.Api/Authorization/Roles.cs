namespace Telematics.Api.Authorization;

/// <summary>The roles a token can carry in its <c>role</c> claim.</summary>
internal static class Roles
{
    /// <summary>Operates the service: every permission, every driver.</summary>
    public const string Admin = "admin";

    /// <summary>Studies risk across the book: reads everything about every driver, changes nothing.</summary>
    public const string Analyst = "analyst";

    /// <summary>One insured driver: reaches only the driver id in its own token.</summary>
    public const string Driver = "driver";

    /// <summary>Every role, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, Analyst, Driver];
}
