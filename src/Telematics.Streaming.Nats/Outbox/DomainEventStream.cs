using System.Text;

using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

using Telematics.Streaming.Nats.Connection;

namespace Telematics.Streaming.Nats.Outbox;

/// <summary>
/// The JetStream stream of domain events: <c>{prefix}-domain-events</c> over <c>{prefix}.domain.&gt;</c>, one subject per
/// event type and subject (<c>{prefix}.domain.RiskScoreCalculated.42</c>), so a consumer filters by type, by driver or both.
/// </summary>
public static class DomainEventStream
{
    /// <summary>The stream's name for a subject prefix.</summary>
    /// <param name="options">Where the subjects live.</param>
    /// <returns>E.g. <c>telematics-domain-events</c>.</returns>
    public static string Name(NatsStreamingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.SubjectPrefix + "-domain-events";
    }

    /// <summary>The subject an event is published on.</summary>
    /// <param name="options">Where the subjects live.</param>
    /// <param name="type">The event type.</param>
    /// <param name="subject">What it is about (a driver id or a model name); characters a subject token cannot hold become <c>_</c>.</param>
    /// <returns>E.g. <c>telematics.domain.RiskScoreCalculated.42</c>.</returns>
    public static string Subject(NatsStreamingOptions options, string type, string subject)
    {
        ArgumentNullException.ThrowIfNull(options);
        var token = new StringBuilder(subject.Length);
        foreach (var c in subject)
        {
            token.Append(c is '.' or '*' or '>' or ' ' or '\t' or '\r' or '\n' ? '_' : c);
        }

        return string.Concat(options.SubjectPrefix, ".domain.", type, ".", token.ToString());
    }

    /// <summary>Every subject of the stream (<c>{prefix}.domain.&gt;</c>).</summary>
    /// <param name="options">Where the subjects live.</param>
    /// <returns>The wildcard subject.</returns>
    public static string AllSubjects(NatsStreamingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.SubjectPrefix + ".domain.>";
    }

    /// <summary>
    /// Creates the stream, or updates it to these settings: file storage, <see cref="NatsStreamingOptions.Replicas"/>
    /// copies, duplicates detected by event id over <paramref name="duplicateWindow"/>, events kept for <paramref name="maxAge"/>.
    /// </summary>
    /// <param name="js">The JetStream context.</param>
    /// <param name="options">Names and replicas.</param>
    /// <param name="duplicateWindow">How long a re-published event id is recognised and dropped.</param>
    /// <param name="maxAge">How long events are kept for consumers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the stream exists with these settings.</returns>
    public static async Task EnsureAsync(INatsJSContext js, NatsStreamingOptions options, TimeSpan duplicateWindow, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(js);
        var config = new StreamConfig(Name(options), [AllSubjects(options)])
        {
            Storage = StreamConfigStorage.File,
            NumReplicas = options.Replicas,
            DuplicateWindow = duplicateWindow,
            MaxAge = maxAge,
        };
        await js.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
    }
}
