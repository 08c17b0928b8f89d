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

    /// <summary>
    /// The configuration key of how long connecting to Redis may take, in milliseconds (default 500). The client's own
    /// default, 5 s, would hold a host's start-up and reconnects that long when Redis hangs.
    /// </summary>
    public const string ConnectTimeoutKey = "Redis:ConnectTimeoutMs";

    /// <summary>
    /// The configuration key of how long one Redis command may take, in milliseconds (default 500; the client checks
    /// about once a second, so a command gives up within this plus up to 1 s). A cache read that waits longer is slower
    /// than the database it saves; the client's default, 5 s, held every cache miss and write that long when Redis hung.
    /// </summary>
    public const string CommandTimeoutKey = "Redis:CommandTimeoutMs";

    /// <summary>The configuration key of how long Redis is skipped after it failed to answer, in seconds (default 5; <see cref="RedisBreaker"/>).</summary>
    public const string BreakKey = "Redis:BreakSeconds";

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
    /// <param name="timeouts">Applied unless the connection string names its own (<c>connectTimeout</c>, <c>syncTimeout</c>, <c>asyncTimeout</c>).</param>
    public static IConnectionMultiplexer Connect(string connectionString, string prefix, RedisTimeouts timeouts)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        if (!Names(connectionString, "connectTimeout"))
        {
            options.ConnectTimeout = (int)timeouts.Connect.TotalMilliseconds;
        }

        if (!Names(connectionString, "syncTimeout"))
        {
            options.SyncTimeout = (int)timeouts.Command.TotalMilliseconds;
        }

        if (!Names(connectionString, "asyncTimeout"))
        {
            options.AsyncTimeout = (int)timeouts.Command.TotalMilliseconds;
        }

        options.AbortOnConnectFail = false;
        options.ChannelPrefix = RedisChannel.Literal(prefix + ":");
        options.ClientName = "telematics-api";
        return ConnectionMultiplexer.Connect(options);
    }

    /// <summary>The timeouts and the break of the configuration (<see cref="ConnectTimeoutKey"/>, <see cref="CommandTimeoutKey"/>, <see cref="BreakKey"/>).</summary>
    /// <exception cref="InvalidOperationException">A value is not a positive whole number; the message names the key.</exception>
    public static RedisTimeouts Timeouts(IConfiguration configuration) => new(
        TimeSpan.FromMilliseconds(Positive(configuration, ConnectTimeoutKey, 500)),
        TimeSpan.FromMilliseconds(Positive(configuration, CommandTimeoutKey, 500)),
        TimeSpan.FromSeconds(Positive(configuration, BreakKey, 5)));

    private static int Positive(IConfiguration configuration, string key, int fallback) =>
        configuration[key] is not { Length: > 0 } value ? fallback
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed
        : throw new InvalidOperationException($"{key} is '{value}'; it takes a whole number above 0.");

    // Whether the connection string sets the option itself (StackExchange.Redis names are case-insensitive).
    private static bool Names(string connectionString, string option) =>
        connectionString.Split(',').Any(part => part.Split('=', 2) is [var key, _] && key.Trim().Equals(option, StringComparison.OrdinalIgnoreCase));
}

/// <summary>How long connecting and one command may take, and how long Redis is skipped after it failed to answer.</summary>
/// <param name="Connect">The connect timeout.</param>
/// <param name="Command">The timeout of one command, synchronous or asynchronous.</param>
/// <param name="Break">How long <see cref="RedisBreaker"/> skips Redis after a failure.</param>
internal sealed record RedisTimeouts(TimeSpan Connect, TimeSpan Command, TimeSpan Break);
