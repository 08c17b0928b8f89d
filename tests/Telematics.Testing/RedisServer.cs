namespace Telematics.Testing;

/// <summary>
/// The Redis server of a test run: ./test.sh starts a private one (scripts/redis.sh) and names it in
/// <c>TELEMATICS_TEST_REDIS</c>. Not <c>TELEMATICS_REDIS</c>: every host would then cluster through it, and test hosts on
/// different databases would share cache keys and hub groups; a test that wants Redis passes it to its hosts itself.
/// </summary>
public static class RedisServer
{
    /// <summary>The environment variable ./test.sh sets.</summary>
    public const string EnvironmentVariable = "TELEMATICS_TEST_REDIS";

    /// <summary>The server's connection string (StackExchange.Redis format).</summary>
    /// <exception cref="InvalidOperationException">The variable is not set.</exception>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Run the tests through ./test.sh, which starts Redis, or set it to " +
                "a Redis server you own (e.g. scripts/redis.sh start test).");
}
