using Microsoft.AspNetCore.Components;

using Telematics.Dashboard.Api;
using Telematics.Dashboard.Session;

namespace Telematics.Dashboard.Shared;

/// <summary>
/// What every page does first: restore the tab's sign-in (or send the user to sign in), check the role may see the page,
/// then load through the API — turning a 401 into a new sign-in and a 403 or any other refusal into a clear message.
/// </summary>
public abstract class DashboardPage : ComponentBase
{
    /// <summary>Who is signed in on this tab.</summary>
    [Inject]
    protected DashboardSession Session { get; set; } = default!;

    /// <summary>The host's API with the user's token.</summary>
    [Inject]
    protected DashboardApi Api { get; set; } = default!;

    /// <summary>Navigation.</summary>
    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>A refusal or failure to show instead of the page, or null.</summary>
    protected string? Problem { get; private set; }

    /// <summary>The HTTP status of <see cref="Problem"/> (403: not allowed), or null.</summary>
    protected int? ProblemStatus { get; private set; }

    /// <summary>Whether the first load has finished (successfully or not).</summary>
    protected bool Loaded { get; private set; }

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        // An API that cannot be reached while the stored token is checked is said so, instead of ending the circuit.
        if (!await RunAsync(() => Session.RestoreAsync(Api)))
        {
            Loaded = true;
            return;
        }

        if (!Session.IsSignedIn)
        {
            Navigation.NavigateTo("dashboard/signin?returnUrl=" + Uri.EscapeDataString(Navigation.ToBaseRelativePath(Navigation.Uri)));
            return;
        }

        if (Refusal() is { } refusal)
        {
            (ProblemStatus, Problem, Loaded) = (403, refusal, true);
            return;
        }

        await RunAsync(LoadAsync);
        Loaded = true;
    }

    /// <summary>Why the signed-in user may not see this page, or null when it may (the API would refuse too).</summary>
    protected virtual string? Refusal() => null;

    /// <summary>Loads the page's data.</summary>
    protected abstract Task LoadAsync();

    /// <summary>
    /// Runs an API call, showing its failure instead of throwing; a 401 means the token expired: sign in again. A failure
    /// to reach the API or read its answer is told in our words (<see cref="ApiFailure"/>), never with the exception's.
    /// </summary>
    protected async Task<bool> RunAsync(Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call();
            Problem = null;
            ProblemStatus = null;
            return true;
        }
        catch (SupersededLoadException)
        {
            // A newer load owns the page's problem: this one's outcome, success or failure, says nothing of it.
            return false;
        }
        catch (ApiException e) when (e.StatusCode == 401)
        {
            await Session.SignOutAsync();
            Navigation.NavigateTo("dashboard/signin?expired=true");
        }
        catch (ApiException e)
        {
            (ProblemStatus, Problem) = (e.StatusCode, e.Message);
        }
        catch (Exception e) when (ApiFailure.Describe(e) is { } failure)
        {
            (ProblemStatus, Problem) = (503, failure);
        }

        return false;
    }

    /// <summary>
    /// Thrown by a load that a newer load of the same page replaced (a live reload overlapping a change of period):
    /// <see cref="RunAsync"/> then leaves <see cref="Problem"/> as the newer load set it.
    /// </summary>
    protected sealed class SupersededLoadException : Exception
    {
    }
}
