namespace Telematics.Dashboard.Live;

/// <summary>One view listening through <see cref="LiveUpdates"/>: the book (no driver) or one driver; a burst of changes is one reload.</summary>
internal sealed class LiveSubscription(Action<LiveSubscription> remove, long? driverId, Func<Task> onChange, Action<LiveScore>? onScore) : IDisposable
{
    // A trip, its score and its premium arrive within milliseconds of each other: one reload after the last.
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(150);

    private int _pending;

    public long? DriverId => driverId;

    public Action<LiveScore>? OnScore => onScore;

    public void Signal()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await Task.Delay(Coalesce).ConfigureAwait(false);
            Volatile.Write(ref _pending, 0);
            await onChange().ConfigureAwait(false);
        });
    }

    public void Dispose() => remove(this);
}
