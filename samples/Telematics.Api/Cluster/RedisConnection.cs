using StackExchange.Redis;

namespace Telematics.Api.Cluster;

/// <summary>
/// Where the hosts of a cluster meet: <c>ConnectionStrings:Redis</c>, else the <c>TELEMATICS_REDIS</c> environment
/// variable (StackExchange.Redis format, e.g. <c>127.0.0.1:6379,password=…</c>). Unset: the host runs alone.
/// </summary>
internal static class RedisConnection
{
    /// <summary>The configuration name of the connection string.</summary>
    public const string ConfigurationName = "Redis";

    /// <summary>The environment variable read when the configuration has none.</summary>
    public const string EnvironmentVariable = "TELEMATICS_REDIS";

    /// <summary>The configuration key of the prefix of every Redis key and channel the host uses (default <c>telematics</c>).</summary>
    public const string PrefixKey = "Redis:Prefix";

    /// <summary>The prefix of every Redis key and channel of this cluster: <c>Redis:Prefix</c>, default <c>telematics</c>.</summary>
    public static string Prefix(IConfiguration configuration) =>
        configuration[PrefixKey] is { Length: > 0 } prefix ? prefix : "telematics";

    /// <summary>The configured connection string, or null for a single host.</summary>
    public static string? Find(IConfiguration configuration) =>
        configuration.GetConnectionString(ConfigurationName) is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;

    /// <summary>
    /// Connects without failing the start when Redis is down (<c>abortConnect=false</c>): the multiplexer reconnects in
    /// the background, and until then the cache runs on its first level and other hosts miss this one's messages.
    /// </summary>
    /// <param name="connectionString">The server.</param>
    /// <param name="prefix">Prefixed to every pub/sub channel (the hub's backplane, cache invalidations), so that clusters sharing one Redis never hear each other.</param>
    public static IConnectionMultiplexer Connect(string connectionString, string prefix)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ChannelPrefix = RedisChannel.Literal(prefix + ":");
        options.ClientName = "telematics-api";
        return ConnectionMultiplexer.Connect(options);
    }
}
