using Microsoft.AspNetCore.Components;

using Telematics.Dashboard.Api;
using Telematics.Dashboard.Session;

namespace Telematics.Dashboard.Drivers;

/// <summary>
/// A tab of the driver details: loads its own data when shown and again whenever <see cref="Version"/> changes (a live
/// update of the driver). A 404 is "nothing yet" (<see cref="Missing"/>), not an error; a 401 sends the user to sign in
/// again, as a page does; any other failure is shown in the tab and never ends the tab's session.
/// </summary>
public abstract class DriverTab : ComponentBase
{
    private (long DriverId, int Version)? _loaded;

    /// <summary>The host's API with the user's token.</summary>
    [Inject]
    protected DashboardApi Api { get; set; } = default!;

    /// <summary>Who is signed in on this tab.</summary>
    [Inject]
    protected DashboardSession Session { get; set; } = default!;

    /// <summary>Navigation.</summary>
    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>The driver shown.</summary>
    [Parameter, EditorRequired]
    public long DriverId { get; set; }

    /// <summary>Bumped by the page when the driver changed; the tab reloads.</summary>
    [Parameter]
    public int Version { get; set; }

    /// <summary>The API's refusal or failure, or null.</summary>
    protected string? Problem { get; set; }

    /// <summary>The API has nothing yet (404), e.g. no score before the first recalculation.</summary>
    protected bool Missing { get; private set; }

    /// <summary>Whether the data has arrived (or failed).</summary>
    protected bool Loaded { get; private set; }

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        if (_loaded == (DriverId, Version))
        {
            return;
        }

        _loaded = (DriverId, Version);
        var missing = false;
        Problem = await CallAsync(async () =>
        {
            try
            {
                await LoadAsync();
            }
            catch (ApiException e) when (e.StatusCode == 404)
            {
                missing = true;
            }
        });
        Missing = missing;
        Loaded = true;
    }

    /// <summary>Loads the tab's data.</summary>
    protected abstract Task LoadAsync();

    /// <summary>
    /// Runs an API call of the tab. A 401 means the token stopped working: the user signs in again, as from a page.
    /// </summary>
    /// <returns>What to show instead of the result (the API's refusal, or our words for a failure to reach or read it); null when it worked.</returns>
    protected async Task<string?> CallAsync(Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call();
            return null;
        }
        catch (ApiException e) when (e.StatusCode == 401)
        {
            await Session.SignOutAsync();
            Navigation.NavigateTo("dashboard/signin?expired=true");
            return e.Message;
        }
        catch (ApiException e)
        {
            return e.Message;
        }
        catch (Exception e) when (ApiFailure.Describe(e) is { } failure)
        {
            return failure;
        }
    }
}
