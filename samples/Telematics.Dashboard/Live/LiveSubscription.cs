using System.Diagnostics;

namespace Telematics.Dashboard.Live;

/// <summary>
/// One view listening through <see cref="LiveUpdates"/>: the book (no driver) or one driver; a burst of changes is one
/// reload, and the book's view reloads at most once every <see cref="BookInterval"/>.
/// </summary>
internal sealed class LiveSubscription(Action<LiveSubscription> remove, long? driverId, Func<Task> onChange, Action<LiveScore>? onScore) : IDisposable
{
    /// <summary>
    /// The shortest time between two reloads of a book view. Every driver's write changes the book, and a busy book
    /// writes many times a second: each open overview would otherwise re-read its four aggregates all the time, its cache
    /// invalidated each time. A lone change still shows within <see cref="Coalesce"/>.
    /// </summary>
    public static readonly TimeSpan BookInterval = TimeSpan.FromSeconds(5);

    // A trip, its score and its premium arrive within milliseconds of each other: one reload after the last.
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(150);

    private int _pending;
    private int _disposed;
    private long _lastReload;

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
            await Task.Delay(Wait()).ConfigureAwait(false);
            Volatile.Write(ref _pending, 0);
            if (Volatile.Read(ref _disposed) != 0)
            {
                // The view was left while its reload waited (up to BookInterval): nobody would see it.
                return;
            }

            Volatile.Write(ref _lastReload, Stopwatch.GetTimestamp());
            await onChange().ConfigureAwait(false);
        });
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        remove(this);
    }

    private TimeSpan Wait()
    {
        var last = Volatile.Read(ref _lastReload);
        if (driverId is not null || last == 0)
        {
            return Coalesce;
        }

        var since = Stopwatch.GetElapsedTime(last);
        return since >= BookInterval - Coalesce ? Coalesce : BookInterval - since;
    }
}
