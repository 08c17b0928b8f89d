using System.Collections.Frozen;
using System.Text.Json;

using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using Telematics.Api.Caching;
using Telematics.Api.Endpoints;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Results;

using Telematics.Service.Events;
using Telematics.Streaming.Nats.Connection;
using Telematics.Streaming.Nats.Outbox;

namespace Telematics.Api.Live;

/// <summary>
/// Feeds <c>/hubs/live</c> from the domain-event stream. With the Redis backplane every host pulls from one shared durable
/// consumer, so each event is taken by one host, which sends it through the backplane to the clients of every host: a
/// client hears a change once, whichever host made it. Without it each host has a consumer of its own (removed by the
/// server once the host is gone) and sends every event to its own clients. An event is acknowledged after the send; one the hub cannot send is logged and
/// acknowledged too (clients re-read on reconnect, or when <see cref="LiveResync"/> tells them), so a bad event never blocks the feed.
/// Before the send, the cached reads the event's write made stale are dropped (on every host, through the fan-out):
/// writes made outside any host — an ingest worker in a process of its own, the CLI's batch-score — reach the hosts'
/// caches only this way, and a client that re-reads on the message reads the write.
/// </summary>
internal sealed partial class DomainEventLiveFeed(
    INatsConnection nats, NatsStreamingOptions streaming, OutboxRelayOptions relay, IOptions<LiveOptions> live, IHubContext<LiveHub> hub, LiveResync resync, ApiCache cache,
    Administration.PromotedElsewhere promotions, TimeProvider time, ILogger<DomainEventLiveFeed> logger, Cluster.RedisBreaker? breaker = null)
    : BackgroundService
{
    /// <summary>The durable consumer the hosts share (with the backplane), or the start of each host's own.</summary>
    public const string ConsumerName = "live-hub";

    // The CloudEvent types the feed acts on, built once rather than per event.
    private static readonly string TripCompletedType = CloudEventJson.TypeOf(DomainEventTypes.TripCompleted);
    private static readonly string RiskScoreCalculatedType = CloudEventJson.TypeOf(DomainEventTypes.RiskScoreCalculated);
    private static readonly string PremiumUpdatedType = CloudEventJson.TypeOf(DomainEventTypes.PremiumUpdated);
    private static readonly string SafetyAlertType = CloudEventJson.TypeOf(DomainEventTypes.SafetyAlert);
    private static readonly string ModelPromotedType = CloudEventJson.TypeOf(DomainEventTypes.ModelPromoted);

    // Writes that change a driver's cached reads and the book's views.
    private static readonly FrozenSet<string> DriverWriteTypes = FrozenSet.Create(
        StringComparer.Ordinal, TripCompletedType, RiskScoreCalculatedType, PremiumUpdatedType, CloudEventJson.TypeOf(DomainEventTypes.DriverRegistered));

    // How long the feed may hear no event before it checks that its consumer still exists (one info request).
    private static readonly TimeSpan ConsumerCheckInterval = TimeSpan.FromSeconds(15);

    // When the feed last took an event (a timestamp of the time provider); read by the consumer check.
    private long _lastSeen;

    private readonly string _consumer = live.Value.SharedBackplane ? ConsumerName : ConsumerName + "-" + Guid.NewGuid().ToString("N")[..12];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var js = new NatsJSContext(nats);
        var delay = TimeSpan.FromMilliseconds(200);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DomainEventStream.EnsureAsync(js, streaming, relay.DuplicateWindow, relay.MaxAge, stoppingToken).ConfigureAwait(false);

                // New events only: a host that starts does not replay the past to today's clients (the shared consumer
                // resumes where the last host left it, so LiveOptions.MaxMessageAge keeps history from the clients).
                var consumer = await js.CreateOrUpdateConsumerAsync(DomainEventStream.Name(streaming), new ConsumerConfig(_consumer)
                {
                    // A host's own consumer goes when the host does; the shared one stays for the next host.
                    InactiveThreshold = live.Value.SharedBackplane ? TimeSpan.Zero : TimeSpan.FromMinutes(5),
                    AckPolicy = ConsumerConfigAckPolicy.Explicit,
                    DeliverPolicy = ConsumerConfigDeliverPolicy.New,
                    AckWait = TimeSpan.FromSeconds(30),
                    FilterSubject = DomainEventStream.AllSubjects(streaming),
                }, stoppingToken).ConfigureAwait(false);
                if (failing)
                {
                    failing = false;
                    Resumed(logger);
                }

                delay = TimeSpan.FromMilliseconds(200);
                if (await ConsumeUntilLostAsync(consumer, stoppingToken).ConfigureAwait(false))
                {
                    // Deleted under the feed (NATS restarted without its store, an operator's reset): created again below,
                    // with the stream if need be, rather than pulled in vain until the host restarts.
                    ConsumerLost(logger, _consumer);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (!failing)
                {
                    failing = true;
                    Interrupted(logger, e.GetType().Name);
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // Consumes until the host stops (false) or the consumer is found gone (true). NATS.Net's consume re-pulls a consumer that no
    // longer exists and simply gets nothing, so a feed idle for ConsumerCheckInterval asks the server whether its consumer is
    // still there, as the ingest workers do for their partitions.
    private async Task<bool> ConsumeUntilLostAsync(INatsJSConsumer consumer, CancellationToken stoppingToken)
    {
        using var consuming = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Volatile.Write(ref _lastSeen, time.GetTimestamp());
        var watch = WatchConsumerAsync(consumer, consuming);
        try
        {
            await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: consuming.Token).ConfigureAwait(false))
            {
                Volatile.Write(ref _lastSeen, time.GetTimestamp());
                await SendAsync(message.Data, stoppingToken).ConfigureAwait(false);
                await message.AckAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested && consuming.IsCancellationRequested)
        {
            // Cancelled by the watch: it says why below.
        }
        finally
        {
            await consuming.CancelAsync().ConfigureAwait(false);
        }

        return await watch.ConfigureAwait(false);
    }

    // True when the consumer was found gone (and the consume cancelled); false when the consume ended otherwise.
    private async Task<bool> WatchConsumerAsync(INatsJSConsumer consumer, CancellationTokenSource consuming)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ConsumerCheckInterval, time, consuming.Token).ConfigureAwait(false);
                if (time.GetElapsedTime(Volatile.Read(ref _lastSeen)) < ConsumerCheckInterval)
                {
                    continue;
                }

                try
                {
                    await consumer.RefreshAsync(consuming.Token).ConfigureAwait(false);
                }
                catch (NatsJSApiException e) when (e.Error.Code == 404)
                {
                    // The consumer or its stream is gone.
                    await consuming.CancelAsync().ConfigureAwait(false);
                    return true;
                }
                catch (NatsException)
                {
                    // NATS unreachable: the consume rides the reconnect; asked again at the next check.
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task SendAsync(byte[]? cloudEvent, CancellationToken cancellationToken)
    {
        if (cloudEvent is null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(cloudEvent);
            await DropStaleAsync(document.RootElement).ConfigureAwait(false);
            if (document.RootElement.GetProperty("type").GetString() == ModelPromotedType)
            {
                // Without Redis each host takes every event, and this is how it learns of another host's promotion.
                await promotions.ReloadAsync().ConfigureAwait(false);
            }

            if (LiveMessage(document.RootElement, time.GetUtcNow() - live.Value.MaxMessageAge) is { } message)
            {
                await SendToHubAsync(message.DriverId, message.Method, message.Message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            NotUnderstood(logger, e.GetType().Name);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            resync.Missed();
            LiveLog.NotSent(logger, "(domain event)", 0, e.GetType().Name);
        }
    }

    // As LiveUpdates sends: skipped while the Redis breaker is open and bounded by SendTimeout, so a stalled backplane costs
    // the feed no wait per event; otherwise the events behind it outlast their ack wait and are delivered, and sent, twice.
    private async Task SendToHubAsync(long driverId, string method, object message, CancellationToken stoppingToken)
    {
        if (breaker?.IsOpen == true)
        {
            resync.Missed();
            LiveLog.NotSent(logger, method, driverId, nameof(Cluster.RedisSkippedException));
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(LiveUpdates.SendTimeout);
        try
        {
            await hub.Clients.Groups(LiveGroups.Driver(driverId), LiveGroups.Book).SendAsync(method, message, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            breaker?.TripIfUnanswered(e);
            resync.Missed();
            LiveLog.NotSent(logger, method, driverId, e.GetType().Name);
        }
    }

    private async Task DropStaleAsync(JsonElement cloudEvent)
    {
        if (StaleTags(cloudEvent) is not { } tags)
        {
            return;
        }

        try
        {
            await cache.InvalidateAsync(tags).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NotInvalidated(logger, e.GetType().Name);
        }
    }

    // What each event's write changes in the cache: a driver's trips, scores and premiums change their own reads and the
    // book's views, a new driver the book's, a promotion the model listings. Null for an event that changes nothing cached.
    private static string[]? StaleTags(JsonElement cloudEvent)
    {
        var type = cloudEvent.GetProperty("type").GetString();
        if (type == ModelPromotedType)
        {
            return [CacheTags.Models];
        }

        if (type is null || !DriverWriteTypes.Contains(type))
        {
            return null;
        }

        return cloudEvent.GetProperty("data").TryGetProperty("driver_id", out var id) && id.ValueKind == JsonValueKind.Number
            ? [CacheTags.Driver(id.GetInt64()), CacheTags.Dashboards]
            : [CacheTags.Dashboards];
    }

    // The interval an event carries, read by the rule every score response uses (settled and categories from its ends);
    // null when the event has none (a model without sampling noise, or an event written before the fields existed).
    private static ScoreIntervalResponse? Interval(double? low, double? high) =>
        low is { } l && high is { } h ? ScoreIntervalResponse.From(new ScoreInterval(l, h, SamplingNoise.Level)) : null;

    // A number the event may lack or hold as null (events written before the field existed, or without a value).
    private static double? OptionalNumber(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    // The hub's four messages (DESIGN §6) from the events that carry them; the others are not for the hub, and neither
    // is history: an event that happened before notBefore (see LiveOptions.MaxMessageAge).
    private static (long DriverId, string Method, object Message)? LiveMessage(JsonElement cloudEvent, DateTimeOffset notBefore)
    {
        var type = cloudEvent.GetProperty("type").GetString();
        var time = cloudEvent.GetProperty("time").GetDateTimeOffset();
        if (time < notBefore)
        {
            return null;
        }

        var data = cloudEvent.GetProperty("data");
        var driver = data.TryGetProperty("driver_id", out var id) ? id.GetInt64() : 0;
        if (type == RiskScoreCalculatedType)
        {
            return (driver, LiveMethods.RiskScoreCalculated, RiskScoreCalculatedMessage.Of(
                driver, data.GetProperty("score_id").GetInt64(), data.GetProperty("score").GetDouble(), data.GetProperty("category").GetString()!,
                $"{data.GetProperty("model").GetString()}@{data.GetProperty("model_version").GetString()}", time,
                Interval(OptionalNumber(data, "score_low"), OptionalNumber(data, "score_high"))));
        }

        if (type == PremiumUpdatedType)
        {
            var score = data.GetProperty("score_id");
            return (driver, LiveMethods.PremiumUpdated, new PremiumUpdatedMessage(
                driver, data.GetProperty("premium_id").GetInt64(), score.ValueKind == JsonValueKind.Null ? null : score.GetInt64(),
                data.GetProperty("amount").GetDecimal(), data.GetProperty("currency").GetString()!, time));
        }

        if (type == SafetyAlertType)
        {
            return (driver, LiveMethods.SafetyAlert, new SafetyAlertMessage(driver, data.GetProperty("kind").GetString()!, data.GetProperty("message").GetString()!));
        }

        if (type == TripCompletedType)
        {
            // One event per trip: a trip that replaced a continued one is closed again, not newly stored.
            var replaced = data.GetProperty("replaces_trip_id");
            long? continued = replaced.ValueKind == JsonValueKind.Null ? null : replaced.GetInt64();
            return (driver, LiveMethods.TripCompleted, new TripCompletedMessage(
                driver, 1, continued is null ? 1 : 0, data.GetProperty("distance_km").GetDouble(), continued, time));
        }

        return null;
    }

    [LoggerMessage(EventId = 9011, Level = LogLevel.Warning, Message = "The live hub's feed from the domain-event stream stopped ({Error}); it resumes when NATS is back.")]
    private static partial void Interrupted(ILogger logger, string error);

    [LoggerMessage(EventId = 9012, Level = LogLevel.Information, Message = "The live hub's feed from the domain-event stream resumed.")]
    private static partial void Resumed(ILogger logger);

    [LoggerMessage(EventId = 9017, Level = LogLevel.Warning, Message = "The live hub's consumer {Consumer} was gone from the domain-event stream (NATS lost its storage?); it is created again.")]
    private static partial void ConsumerLost(ILogger logger, string consumer);

    [LoggerMessage(EventId = 9014, Level = LogLevel.Warning, Message = "The cached reads a domain event made stale were not dropped ({Error}); they expire within 5 minutes.")]
    private static partial void NotInvalidated(ILogger logger, string error);

    [LoggerMessage(EventId = 9013, Level = LogLevel.Warning, Message = "A domain event on the stream was not understood ({Error}) and was skipped.")]
    private static partial void NotUnderstood(ILogger logger, string error);
}
