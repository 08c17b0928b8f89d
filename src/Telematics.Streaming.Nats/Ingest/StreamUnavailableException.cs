namespace Telematics.Streaming.Nats.Ingest;

/// <summary>
/// The event stream did not take a batch: NATS is unreachable, JetStream refused it, or its acknowledgement did not come
/// within <see cref="StreamIngestOptions.PublishTimeout"/>. The batch may or may not be in the stream; publishing it again
/// with the same batch id is safe (JetStream drops the second copy within the duplicate window, the store a second ingest).
/// </summary>
public sealed class StreamUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StreamUnavailableException()
        : base("The event stream is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public StreamUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The NATS client's exception.</param>
    public StreamUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
