namespace Telematics.Dashboard.Live;

/// <summary>
/// A page's one live subscription. A page left while its first load was still awaiting the API would otherwise subscribe
/// after its own disposal, and that subscription would reload a view nobody sees for the rest of the circuit.
/// </summary>
/// <remarks>Used from the page's renderer context only, so the checks and the assignments below never interleave.</remarks>
internal sealed class LiveWatch
{
    private Task<IDisposable>? _watching;
    private bool _closed;

    /// <summary>Whether a subscription was asked for (it may still be connecting).</summary>
    public bool Started => _watching is not null;

    /// <summary>Subscribes through <paramref name="watch"/> unless the page is gone, dropping the previous subscription.</summary>
    public async Task StartAsync(Func<Task<IDisposable>> watch)
    {
        if (_closed)
        {
            return;
        }

        var previous = _watching;
        // Assigned before the first await: a second load that starts meanwhile sees the subscription and does not add one.
        _watching = watch();
        await DropAsync(previous).ConfigureAwait(true);
        await _watching.ConfigureAwait(true);
    }

    /// <summary>Drops the subscription, now or when it arrives; no subscription starts after this.</summary>
    public Task CloseAsync()
    {
        _closed = true;
        return DropAsync(_watching);
    }

    private static async Task DropAsync(Task<IDisposable>? watching)
    {
        if (watching is null)
        {
            return;
        }

        try
        {
            (await watching.ConfigureAwait(false)).Dispose();
        }
        catch (OperationCanceledException)
        {
            // The circuit went away before the subscription was made: there is nothing to drop.
        }
    }
}
