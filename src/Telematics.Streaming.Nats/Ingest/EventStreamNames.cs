using System.Globalization;

namespace Telematics.Streaming.Nats.Ingest;

/// <summary>The subjects, streams and consumers of streamed ingest under one subject prefix (<c>telematics</c> by default).</summary>
public sealed class EventStreamNames
{
    /// <summary>The header naming why a batch was dead-lettered (record and field where the content was at fault).</summary>
    public const string ReasonHeader = "Telematics-Dead-Letter-Reason";

    /// <summary>The header giving the dead-lettered batch's sequence in the event stream.</summary>
    public const string SequenceHeader = "Telematics-Stream-Sequence";

    /// <summary>The header giving how many times the batch was delivered before it was dead-lettered.</summary>
    public const string DeliveriesHeader = "Telematics-Deliveries";

    private readonly string[] _eventSubjects;

    /// <summary>Names the subjects and streams under <paramref name="prefix"/>.</summary>
    /// <param name="prefix">The first token of every subject: letters, digits, <c>-</c> or <c>_</c>.</param>
    /// <param name="partitions">The partition count.</param>
    /// <exception cref="ArgumentException">The prefix is not one subject token.</exception>
    public EventStreamNames(string prefix, int partitions)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitions, StreamIngestOptions.MaxPartitions);
        foreach (var c in prefix)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ArgumentException($"The subject prefix '{prefix}' must be letters, digits, '-' or '_' (one subject token).", nameof(prefix));
            }
        }

        Prefix = prefix;
        Partitions = partitions;
        var upper = prefix.ToUpperInvariant().Replace('-', '_');
        EventStream = upper + "_EVENTS";
        DeadLetterStream = upper + "_DEADLETTER";
        _eventSubjects = new string[partitions];
        for (var p = 0; p < partitions; p++)
        {
            _eventSubjects[p] = string.Create(CultureInfo.InvariantCulture, $"{prefix}.events.{p}");
        }
    }

    /// <summary>The subject prefix.</summary>
    public string Prefix { get; }

    /// <summary>The partition count.</summary>
    public int Partitions { get; }

    /// <summary>The event stream, over <see cref="EventWildcard"/> (<c>TELEMATICS_EVENTS</c>).</summary>
    public string EventStream { get; }

    /// <summary>The dead-letter stream, over <see cref="DeadLetterWildcard"/> (<c>TELEMATICS_DEADLETTER</c>).</summary>
    public string DeadLetterStream { get; }

    /// <summary>Every event subject: <c>{prefix}.events.&gt;</c>.</summary>
    public string EventWildcard => Prefix + ".events.>";

    /// <summary>Every dead-letter subject: <c>{prefix}.deadletter.&gt;</c>.</summary>
    public string DeadLetterWildcard => Prefix + ".deadletter.>";

    /// <summary>The subject of a partition's batches: <c>{prefix}.events.&lt;partition&gt;</c>.</summary>
    /// <param name="partition">0 to <see cref="Partitions"/> − 1.</param>
    /// <returns>The subject.</returns>
    public string EventSubject(int partition) => _eventSubjects[partition];

    /// <summary>The subject a driver's batches are published on.</summary>
    /// <param name="driverId">The driver.</param>
    /// <returns>The subject of the driver's partition (<see cref="DriverPartitioner"/>).</returns>
    public string EventSubjectOf(long driverId) => _eventSubjects[DriverPartitioner.Partition(driverId, Partitions)];

    /// <summary>The dead-letter subject of a partition: <c>{prefix}.deadletter.events.&lt;partition&gt;</c>.</summary>
    /// <param name="partition">The partition.</param>
    /// <returns>The subject.</returns>
    public string DeadLetterSubject(int partition) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}.deadletter.events.{partition}");

    /// <summary>The durable consumer of a partition, shared by every worker: <c>ingest-&lt;partition&gt;</c>.</summary>
    /// <param name="partition">The partition.</param>
    /// <returns>The consumer name.</returns>
    public static string Consumer(int partition) => string.Create(CultureInfo.InvariantCulture, $"ingest-{partition}");
}
