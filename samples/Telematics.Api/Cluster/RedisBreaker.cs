namespace Telematics.Api.Cluster;

/// <summary>
/// Skips Redis for a while after it failed to answer, so that a Redis that hangs costs one timeout every few seconds
/// rather than one per cache read, invalidation and rate-limit check: the cache then runs on its first level, the limits
/// on each host's own count, and invalidations reach no other host (bounded by the entries' 5-minute expiry).
/// </summary>
/// <remarks>Thread-safe. When the break ends the next calls try Redis again; one more failure starts a new break.</remarks>
internal sealed class RedisBreaker(TimeSpan breakFor, TimeProvider time, ILogger<RedisBreaker> logger)
{
    private long _openUntil = long.MinValue;

    /// <summary>Whether Redis is being skipped now.</summary>
    public bool IsOpen => time.GetTimestamp() < Volatile.Read(ref _openUntil);

    /// <summary>
    /// Starts the break when <paramref name="failure"/>, of a hub send bounded by a timeout, says Redis did not answer: a
    /// Redis error, a timeout, or the bound's cancellation. Any other failure is not Redis's and leaves Redis in use.
    /// </summary>
    /// <param name="failure">What the send threw.</param>
    public void TripIfUnanswered(Exception failure)
    {
        if (failure is StackExchange.Redis.RedisException or TimeoutException or OperationCanceledException)
        {
            Trip(failure);
        }
    }

    /// <summary>Records that Redis failed to answer: it is skipped for the break from now on.</summary>
    /// <param name="error">The failure, for the log.</param>
    public void Trip(Exception error)
    {
        var now = time.GetTimestamp();
        var until = now + (long)(breakFor.TotalSeconds * time.TimestampFrequency);
        if (Interlocked.Exchange(ref _openUntil, until) <= now)
        {
            ClusterLog.RedisSkipped(logger, error.GetType().Name, breakFor.TotalSeconds);
        }
    }
}

/// <summary>Thrown instead of calling Redis while <see cref="RedisBreaker"/> skips it.</summary>
internal sealed class RedisSkippedException : Exception
{
    public RedisSkippedException()
        : base("Redis is skipped for a few seconds after it failed to answer.")
    {
    }

    public RedisSkippedException(string message)
        : base(message)
    {
    }

    public RedisSkippedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
