using System.Text.Json;
using System.Threading.Channels;

using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Telematics.Api.Tests.Infrastructure;

/// <summary>A real SignalR client of a test host's <c>/hubs/live</c> that collects every message it receives, per method.</summary>
internal sealed class LiveListener : IAsyncDisposable
{
    private static readonly string[] Methods = ["TripCompleted", "RiskScoreCalculated", "PremiumUpdated", "SafetyAlert", "Resync"];

    private readonly Channel<(string Method, JsonElement Payload)> _received = Channel.CreateUnbounded<(string, JsonElement)>();

    private LiveListener(HubConnection connection)
    {
        Connection = connection;
        foreach (var method in Methods)
        {
            connection.On<JsonElement>(method, payload => _received.Writer.TryWrite((method, payload)));
        }
    }

    public HubConnection Connection { get; }

    /// <summary>Whether a message arrived that was not read yet.</summary>
    public bool HasAny => _received.Reader.TryPeek(out _);

    /// <summary>A connection to <paramref name="host"/>'s hub, with <paramref name="token"/> as a browser sends it; null for none.</summary>
    public static HubConnection Build(ApiHost host, string? token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(host.Server.BaseAddress, "/hubs/live"), options =>
            {
                // The test server has no sockets: long polling through its handler, the token as a browser's WebSocket sends it.
                options.HttpMessageHandlerFactory = _ => host.Server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();

    /// <summary>Connects to <paramref name="host"/>'s hub and starts listening.</summary>
    public static async Task<LiveListener> ConnectAsync(ApiHost host, string token)
    {
        var listener = new LiveListener(Build(host, token));
        await listener.Connection.StartAsync();
        return listener;
    }

    /// <summary>The next message of <paramref name="method"/> (others are passed over), or a timeout after <paramref name="patience"/>.</summary>
    public async Task<JsonElement> NextAsync(string method, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (true)
        {
            var (name, payload) = await _received.Reader.ReadAsync(timeout.Token);
            if (name == method)
            {
                return payload;
            }
        }
    }

    /// <summary>The messages of <paramref name="method"/> that arrived and were not read yet (reads every waiting message).</summary>
    public List<JsonElement> Waiting(string method)
    {
        var waiting = new List<JsonElement>();
        while (_received.Reader.TryRead(out var message))
        {
            if (message.Method == method)
            {
                waiting.Add(message.Payload);
            }
        }

        return waiting;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
