using System.Text.Json;

namespace Telematics.Dashboard.Live;

/// <summary>The views that listen, and which of them a hub message reloads.</summary>
public sealed partial class LiveUpdates
{
    // Messages that change what the views show. SafetyAlert arrives with a trip and needs no reload of its own.
    private static readonly string[] Methods = ["TripCompleted", "RiskScoreCalculated", "PremiumUpdated", ResyncMethod];

    // The host lost messages while this connection stayed up (Redis down, a failed send): every view reads again.
    private const string ResyncMethod = "Resync";

    private readonly List<LiveSubscription> _subscriptions = [];

    private LiveSubscription Add(long? driverId, Func<Task> onChange, Action<LiveScore>? onScore)
    {
        var subscription = new LiveSubscription(Remove, driverId, onChange, onScore);
        lock (_subscriptions)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    private void Dispatch(string method, JsonElement message)
    {
        if (method == ResyncMethod)
        {
            Reload(except: null);
            return;
        }

        long? driverId = message.TryGetProperty("driverId", out var id) && id.TryGetInt64(out var value) ? value : null;
        // Read once for every view of the driver: the score and its interval as the message carries them.
        var score = method == "RiskScoreCalculated" ? LiveScore.From(message) : null;
        foreach (var subscription in Snapshot())
        {
            if (subscription.DriverId is null || subscription.DriverId == driverId)
            {
                if (score is not null && subscription.DriverId is not null)
                {
                    subscription.OnScore?.Invoke(score);
                }

                subscription.Signal();
            }
        }
    }

    private void Reload(LiveSubscription? except)
    {
        foreach (var subscription in Snapshot())
        {
            if (subscription != except)
            {
                subscription.Signal();
            }
        }
    }

    private long[] WatchedDrivers() => [.. Snapshot().Select(s => s.DriverId).OfType<long>().Distinct()];

    private LiveSubscription[] Snapshot()
    {
        lock (_subscriptions)
        {
            return [.. _subscriptions];
        }
    }

    private void Remove(LiveSubscription subscription)
    {
        lock (_subscriptions)
        {
            _subscriptions.Remove(subscription);
        }
    }
}
