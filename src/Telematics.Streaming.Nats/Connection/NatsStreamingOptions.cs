namespace Telematics.Streaming.Nats.Connection;

/// <summary>
/// Where the NATS JetStream server is and how the book's subjects are named. The defaults suit one cluster per NATS
/// account; <see cref="SubjectPrefix"/> keeps several books apart on one server.
/// </summary>
public sealed class NatsStreamingOptions
{
    /// <summary>The configuration name of the connection string (<c>ConnectionStrings:Nats</c>).</summary>
    public const string ConfigurationName = "Nats";

    /// <summary>The environment variable read when the configuration names no server (what <c>scripts/nats.sh url</c> prints).</summary>
    public const string EnvironmentVariable = "TELEMATICS_NATS";

    /// <summary>
    /// The server or servers, comma-separated, credentials in the URL (<c>nats://user:password@127.0.0.1:4222</c>).
    /// Null: streaming is off and the host runs as a single process.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>The first token of every subject and the start of every stream name (default <c>telematics</c>).</summary>
    public string SubjectPrefix { get; set; } = "telematics";

    /// <summary>How many copies of each stream the cluster keeps (default 1; 3 on a three-node cluster).</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>The configured server: <paramref name="configured"/> when given, else <see cref="EnvironmentVariable"/>, else null.</summary>
    /// <param name="configured">The connection string from configuration, if any.</param>
    public static string? FindUrl(string? configured) =>
        configured is { Length: > 0 }
            ? configured
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
}
