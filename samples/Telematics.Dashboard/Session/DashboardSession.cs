using Microsoft.JSInterop;

using Telematics.Dashboard.Api;

namespace Telematics.Dashboard.Session;

/// <summary>
/// Who is signed in on this browser tab (one Blazor circuit): the bearer token and what <c>/auth/me</c> says of it. The
/// token is kept in the tab's sessionStorage, so a reload keeps the user signed in and closing the tab signs out.
/// </summary>
/// <remarks>Scoped: one per circuit. Not thread-safe; Blazor runs a circuit's code one piece at a time.</remarks>
public sealed class DashboardSession(IJSRuntime js)
{
    private bool _restored;

    /// <summary>Raised after a sign-in or sign-out.</summary>
    public event Action? Changed;

    /// <summary>The bearer token every API call carries, or null when nobody is signed in.</summary>
    public string? Token { get; private set; }

    /// <summary>The signed-in user, or null.</summary>
    public CurrentUser? User { get; private set; }

    /// <summary>Whether a user is signed in.</summary>
    public bool IsSignedIn => User is not null;

    /// <summary>Whether the user may read the book's dashboards (admin, analyst).</summary>
    public bool CanReadBook => May("dashboard:read");

    /// <summary>
    /// Whether the user may list the book's drivers (admin, analyst): names and premiums are personal data, so the API's
    /// list needs drivers:read as well as dashboard:read.
    /// </summary>
    public bool CanListDrivers => CanReadBook && May("drivers:read");

    /// <summary>Whether the signed-in user's role holds <paramref name="permission"/> (wire name, e.g. <c>models:manage</c>).</summary>
    public bool May(string permission) => User?.Has(permission) == true;

    /// <summary>Signs the tab's stored token in again after a reload; a token that no longer works is forgotten.</summary>
    public async Task RestoreAsync(DashboardApi api)
    {
        if (_restored)
        {
            return;
        }

        var stored = await js.InvokeAsync<string?>("telematicsDashboard.loadToken");
        // An API that cannot be reached throws out of here, and the next page tries again: the token may well work.
        if (!string.IsNullOrEmpty(stored) && !await TrySignInAsync(api, stored))
        {
            await js.InvokeVoidAsync("telematicsDashboard.saveToken", (string?)null);
        }

        _restored = true;
    }

    /// <summary>Checks <paramref name="token"/> with <c>/auth/me</c> and, when it works, signs it in for this tab.</summary>
    /// <returns>False when the API refuses the token (expired, wrong key, malformed).</returns>
    /// <exception cref="HttpRequestException">The API could not be reached (nobody is signed in then).</exception>
    public async Task<bool> TrySignInAsync(DashboardApi api, string token)
    {
        ArgumentNullException.ThrowIfNull(api);
        Token = token.Trim();
        try
        {
            User = await api.GetMeAsync();
        }
        catch (ApiException e) when (e.StatusCode is 401 or 403)
        {
            Token = null;
            User = null;
            return false;
        }
        catch
        {
            // Not checked (the API down, say): nobody is signed in with an unchecked token.
            Token = null;
            User = null;
            throw;
        }

        _restored = true;
        await js.InvokeVoidAsync("telematicsDashboard.saveToken", Token);
        Changed?.Invoke();
        return true;
    }

    /// <summary>Forgets the token in this tab.</summary>
    public async Task SignOutAsync()
    {
        Token = null;
        User = null;
        await js.InvokeVoidAsync("telematicsDashboard.saveToken", (string?)null);
        Changed?.Invoke();
    }
}
