using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

using NATS.Client.Core;

namespace Telematics.Streaming.Nats.Connection;

/// <summary>Opens the connection to the configured NATS server.</summary>
public static class NatsConnections
{
    /// <summary>
    /// A connection to <see cref="NatsStreamingOptions.Url"/> that connects on first use and reconnects by itself after
    /// an outage (publishes meanwhile fail, and their callers retry).
    /// </summary>
    /// <param name="options">Where the server is.</param>
    /// <param name="clientName">The name the server shows for this client (e.g. <c>telematics-api</c>).</param>
    /// <param name="loggers">Where the client logs its connection events; null for nowhere.</param>
    /// <returns>The connection; dispose it at shut-down.</returns>
    /// <exception cref="InvalidOperationException">No server is configured.</exception>
    public static NatsConnection Create(NatsStreamingOptions options, string clientName, ILoggerFactory? loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = options.Url ?? throw new InvalidOperationException(
            $"No NATS server is configured: set ConnectionStrings:{NatsStreamingOptions.ConfigurationName} or {NatsStreamingOptions.EnvironmentVariable}.");
        return new NatsConnection(new NatsOpts { Url = url, Name = clientName, LoggerFactory = loggers ?? NullLoggerFactory.Instance });
    }
}
