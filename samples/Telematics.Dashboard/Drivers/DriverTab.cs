using Microsoft.AspNetCore.Components;

using Telematics.Dashboard.Api;

namespace Telematics.Dashboard.Drivers;

/// <summary>
/// A tab of the driver details: loads its own data when shown and again whenever <see cref="Version"/> changes (a live
/// update of the driver). A 404 is "nothing yet" (<see cref="Missing"/>), not an error.
/// </summary>
public abstract class DriverTab : ComponentBase
{
    private (long DriverId, int Version)? _loaded;

    /// <summary>The host's API with the user's token.</summary>
    [Inject]
    protected DashboardApi Api { get; set; } = default!;

    /// <summary>The driver shown.</summary>
    [Parameter, EditorRequired]
    public long DriverId { get; set; }

    /// <summary>Bumped by the page when the driver changed; the tab reloads.</summary>
    [Parameter]
    public int Version { get; set; }

    /// <summary>The API's refusal or failure, or null.</summary>
    protected string? Problem { get; private set; }

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
        try
        {
            await LoadAsync();
            (Problem, Missing) = (null, false);
        }
        catch (ApiException e) when (e.StatusCode == 404)
        {
            (Problem, Missing) = (null, true);
        }
        catch (ApiException e)
        {
            Problem = e.Message;
        }

        Loaded = true;
    }

    /// <summary>Loads the tab's data.</summary>
    protected abstract Task LoadAsync();
}
