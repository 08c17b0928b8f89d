using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using NATS.Client.Core;
using NATS.Client.JetStream;

using Telematics.Service.Events;
using Telematics.Streaming.Nats.Connection;

namespace Telematics.Streaming.Nats.Outbox;

/// <summary>
/// Hands the outbox's domain events to the JetStream stream (<see cref="DomainEventStream"/>) as CloudEvents, each with
/// its event id as <c>Nats-Msg-Id</c>, and lets the outbox delete a batch only once JetStream acknowledged all of it.
/// While NATS or the database is down it retries with a growing delay and loses nothing: the events wait in the outbox.
/// Any number of processes may run one; the outbox lets one work at a time.
/// </summary>
public sealed partial class OutboxRelay : BackgroundService
{
    private readonly IDomainEventOutbox _outbox;
    private readonly INatsJSContext _js;
    private readonly NatsStreamingOptions _streaming;
    private readonly OutboxRelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxRelay> _logger;
    private long _relayed;
    private volatile RelayFailure? _failure;

    /// <summary>Creates the relay.</summary>
    /// <param name="outbox">The outbox of the storage adapter.</param>
    /// <param name="nats">The connection to NATS.</param>
    /// <param name="streaming">Subject prefix and replicas.</param>
    /// <param name="options">Batching, delays and the stream's limits.</param>
    /// <param name="time">The clock of the delays.</param>
    /// <param name="logger">Where outages and recoveries are logged.</param>
    public OutboxRelay(IDomainEventOutbox outbox, INatsConnection nats, NatsStreamingOptions streaming, OutboxRelayOptions options, TimeProvider time, ILogger<OutboxRelay> logger)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(nats);
        ArgumentNullException.ThrowIfNull(streaming);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _outbox = outbox;
        _js = new NatsJSContext(nats);
        _streaming = streaming;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Events this relay has handed on since it started.</summary>
    public long Relayed => Interlocked.Read(ref _relayed);

    /// <summary>Since when, and why, the relay cannot hand events on; null while it can.</summary>
    public RelayFailure? Failure => _failure;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var streamReady = false;
        var failing = false;
        var delay = _options.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!streamReady)
                {
                    await DomainEventStream.EnsureAsync(_js, _streaming, _options.DuplicateWindow, _options.MaxAge, stoppingToken).ConfigureAwait(false);
                    streamReady = true;
                }

                var relayed = await _outbox.RelayAsync(PublishAsync, _options.BatchSize, stoppingToken).ConfigureAwait(false);
                if (failing)
                {
                    failing = false;
                    _failure = null;
                    Recovered(_logger);
                }

                delay = _options.PollInterval;
                if (relayed > 0)
                {
                    Interlocked.Add(ref _relayed, relayed);
                    continue; // more may wait: drain before sleeping
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // NATS down, no stream leader yet, or the database unreachable: the events stay in the outbox.
                if (!failing)
                {
                    failing = true;
                    _failure = new RelayFailure(_time.GetUtcNow(), $"{e.GetType().Name}: {e.Message}");
                    CannotRelay(_logger, e.GetType().Name, e.Message);
                }

                streamReady = false;
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // All of a batch is published at once and awaited together: one round trip's latency per batch, not per event.
    private async Task PublishAsync(IReadOnlyList<DomainEvent> events, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.PublishTimeout);
        var cancellationToken = timeout.Token;
        var acks = new Task<NATS.Client.JetStream.Models.PubAckResponse>[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var domainEvent = events[i];
            acks[i] = _js.PublishAsync(
                DomainEventStream.Subject(_streaming, domainEvent.Type, domainEvent.Subject),
                CloudEventJson.ToUtf8Bytes(domainEvent, _options.Source),
                opts: new NatsJSPubOpts { MsgId = domainEvent.Id },
                cancellationToken: cancellationToken).AsTask();
        }

        NATS.Client.JetStream.Models.PubAckResponse[] acked;
        try
        {
            acked = await Task.WhenAll(acks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            throw new TimeoutException($"JetStream did not acknowledge a batch of {events.Count} events within {_options.PublishTimeout.TotalSeconds:0.#} s.");
        }

        foreach (var ack in acked)
        {
            ack.EnsureStored(); // a duplicate is a success: the stream has the event already
        }
    }

    [LoggerMessage(EventId = 9201, Level = LogLevel.Warning, Message = "Domain events cannot be relayed ({Error}: {Reason}); they wait in the outbox and the relay keeps trying.")]
    private static partial void CannotRelay(ILogger logger, string error, string reason);

    [LoggerMessage(EventId = 9202, Level = LogLevel.Information, Message = "Domain events are relayed again.")]
    private static partial void Recovered(ILogger logger);
}

/// <summary>Why the relay cannot hand events on.</summary>
/// <param name="Since">When the first attempt failed.</param>
/// <param name="Reason">The error, in the client's words.</param>
public sealed record RelayFailure(DateTimeOffset Since, string Reason);
