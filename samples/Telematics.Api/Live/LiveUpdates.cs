using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

using Telematics.Api.Endpoints;
using Telematics.Scoring.Results;
using Telematics.Service.Ingest;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Phone;

namespace Telematics.Api.Live;

/// <summary>
/// Sends what the endpoints stored to <c>/hubs/live</c>: to the driver's group and to the book. Called after the commit,
/// so nothing the caller does (a client that hangs up, a batch request timed out) cancels it: the change is stored and
/// everyone else is owed the message. A send is bounded by <see cref="SendTimeout"/>; a failure is logged and never fails
/// the request that stored the data (clients re-read on reconnect, or when <see cref="LiveResync"/> tells them).
/// Sends nothing when the hub is fed from the domain-event stream instead (<see cref="LiveOptions.FedFromDomainEvents"/>).
/// </summary>
/// <remarks>
/// With the Redis backplane (<paramref name="breaker"/> registered) a send is skipped while Redis is, and a send that Redis
/// failed starts the break: a write that sends three messages would otherwise wait out three timeouts.
/// </remarks>
internal sealed class LiveUpdates(
    IHubContext<LiveHub> hub, TimeProvider time, IOptions<LiveOptions> options, LiveResync resync, ILogger<LiveUpdates> logger, Cluster.RedisBreaker? breaker = null)
{
    /// <summary>An upload stored trips (nothing is sent when it closed none).</summary>
    public Task TripsCompletedAsync(long driverId, EventStreamResult stored) =>
        stored.TripsClosed == 0 && stored.ContinuedTripId is null
            ? Task.CompletedTask
            : SendAsync(driverId, LiveMethods.TripCompleted,
                new TripCompletedMessage(driverId, stored.TripsClosed, stored.TripsStored, stored.DistanceKm, stored.ContinuedTripId, time.GetUtcNow()));

    /// <summary>A phone recording re-measured stored trips: one <c>TripCompleted</c> naming the replaced trips (nothing when it replaced none).</summary>
    public Task TripsRemeasuredAsync(long driverId, PhoneRecordingResult stored) =>
        stored.TripIds.Count == 0
            ? Task.CompletedTask
            : SendAsync(driverId, LiveMethods.TripCompleted,
                new TripCompletedMessage(driverId, stored.TripIds.Count, stored.TripIds.Count, stored.DistanceKm, stored.ReplacedTripIds[0], time.GetUtcNow()));

    /// <summary>A recalculation stored a score and its premium: <c>RiskScoreCalculated</c>, <c>PremiumUpdated</c>, and <c>SafetyAlert</c> when it is high.</summary>
    public async Task ScoredAsync(DriverScoreOutcome outcome)
    {
        if (outcome.Score is not { } score)
        {
            return;
        }

        await SendAsync(outcome.DriverId, LiveMethods.RiskScoreCalculated, RiskScoreCalculatedMessage.Of(
            outcome.DriverId, outcome.ScoreId, score.Score, score.Category.ToWireName(), $"{score.ModelName}@{score.ModelVersion}", outcome.ScoredAt,
            ScoreIntervalResponse.From(score.Interval))).ConfigureAwait(false);
        if (outcome.Quote is { } quote)
        {
            await SendAsync(outcome.DriverId, LiveMethods.PremiumUpdated, new PremiumUpdatedMessage(
                outcome.DriverId, outcome.PremiumId, outcome.ScoreId, quote.Premium, quote.Currency, outcome.ScoredAt)).ConfigureAwait(false);
        }

        if (score.Category == RiskCategory.High)
        {
            await SendAsync(outcome.DriverId, LiveMethods.SafetyAlert, new SafetyAlertMessage(
                outcome.DriverId, "high_risk", "The new risk score is in the high category.")).ConfigureAwait(false);
        }
    }

    /// <summary>A premium was priced again and stored.</summary>
    public Task PremiumUpdatedAsync(PremiumRecord premium) =>
        SendAsync(premium.DriverId, LiveMethods.PremiumUpdated, new PremiumUpdatedMessage(
            premium.DriverId, premium.PremiumId, premium.ScoreId, premium.FinalAmount, premium.Currency, premium.EffectiveAt));

    /// <summary>How long one message may take to hand to the hub (with Redis as its backplane, a publish): 5 s.</summary>
    internal static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    private async Task SendAsync(long driverId, string method, object message)
    {
        if (options.Value.FedFromDomainEvents)
        {
            return;
        }

        if (breaker?.IsOpen == true)
        {
            resync.Missed();
            LiveLog.NotSent(logger, method, driverId, nameof(Cluster.RedisSkippedException));
            return;
        }

        using var timeout = new CancellationTokenSource(SendTimeout, time);
        try
        {
            await hub.Clients.Groups(LiveGroups.Driver(driverId), LiveGroups.Book).SendAsync(method, message, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            breaker?.TripIfUnanswered(e);
            resync.Missed();
            LiveLog.NotSent(logger, method, driverId, e.GetType().Name);
        }
    }
}

/// <summary>Log events of live updates.</summary>
internal static partial class LiveLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Live update {Method} for driver {DriverId} was not sent ({Error}); clients see it on their next read.")]
    public static partial void NotSent(ILogger logger, string method, long driverId, string error);
}
