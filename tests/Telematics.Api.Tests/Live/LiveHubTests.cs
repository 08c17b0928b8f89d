using System.Net;
using System.Text.Json;

using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

using Telematics.Api.Tests.Infrastructure;
using Telematics.Scoring.Shipped;
using Telematics.Testing;

using static Telematics.Api.Tests.Endpoints.RiskTestData;

namespace Telematics.Api.Tests.Live;

/// <summary>
/// <c>/hubs/live</c> with a real SignalR client over the test server: a recalculation reaches the driver's own connection
/// and the book, never another driver; a driver cannot watch another driver; no token, no connection.
/// </summary>
public sealed class LiveHubTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime, IDisposable
{
    // How long a message may take to arrive: generous, as a loaded CI machine can take more than 2 s over long polling;
    // a message that is never sent fails the wait all the same.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // How long a second copy of a message that arrived may take to follow it.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private readonly ShippedModelFolder _model = new();

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _model.Dispose();

    [Fact]
    public async Task A_recalculation_reaches_the_drivers_own_connection_and_the_book_and_no_other_driver()
    {
        var driver = await DriverWithTripsAsync(database, "live-1", 6, nightShare: 0.3f, harshPer100Km: 4);
        var other = await DriverWithTripsAsync(database, "live-2", 3);
        // The shipped model records sampling noise, so the score has an interval for the message to carry.
        await using var host = Host().With("Scoring:Model", _model.Root).With("Scoring:DefaultModel", ShippedModel.Name);
        await using var own = await LiveListener.ConnectAsync(host, TestTokens.Driver(Id(driver)));
        await using var otherDriver = await LiveListener.ConnectAsync(host, TestTokens.Driver(Id(other)));
        await using var book = await LiveListener.ConnectAsync(host, TestTokens.Analyst());
        using var admin = host.ClientAs(TestTokens.Admin());

        using var recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);
        var body = await ProblemAssert.JsonAsync(recalculated);

        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        var scoreId = body.GetProperty("score").GetProperty("scoreId").GetInt64();
        foreach (var listener in new[] { own, book })
        {
            var scored = await listener.NextAsync("RiskScoreCalculated", Patience);
            Assert.Equal(driver, scored.GetProperty("driverId").GetInt64());
            Assert.Equal(scoreId, scored.GetProperty("scoreId").GetInt64());
            Assert.Equal(body.GetProperty("score").GetProperty("score").GetDouble(), scored.GetProperty("score").GetDouble());
            // The interval as the response has it.
            var interval = body.GetProperty("score").GetProperty("interval");
            Assert.Equal(JsonValueKind.Object, interval.ValueKind);
            Assert.Equal(interval.GetProperty("low").GetDouble(), scored.GetProperty("scoreLow").GetDouble()); // both written as the stored float
            Assert.Equal(interval.GetProperty("high").GetDouble(), scored.GetProperty("scoreHigh").GetDouble());
            Assert.Equal(
                (interval.GetProperty("settled").GetBoolean(), interval.GetProperty("lowCategory").GetString(), interval.GetProperty("highCategory").GetString()),
                (scored.GetProperty("categorySettled").GetBoolean(), scored.GetProperty("lowCategory").GetString(), scored.GetProperty("highCategory").GetString()));
            var premium = await listener.NextAsync("PremiumUpdated", Patience);
            Assert.Equal(body.GetProperty("premium").GetProperty("premiumId").GetInt64(), premium.GetProperty("premiumId").GetInt64());
        }

        await Task.Delay(Settle); // what the other driver's connection would have been sent arrives by now
        Assert.False(otherDriver.HasAny, "another driver's connection received this driver's update");
    }

    [Fact]
    public async Task An_upload_that_closes_a_trip_is_sent_as_trip_completed()
    {
        var driver = await DriverWithTripsAsync(database, "live-3", 0);
        await using var host = Host();
        await using var own = await LiveListener.ConnectAsync(host, TestTokens.Driver(Id(driver)));
        using var client = host.ClientAs(TestTokens.Driver(Id(driver)));

        using var content = DrivingBodies.Content(DrivingBodies.Csv(trips: 1, secondsPerTrip: 600), "text/csv");
        using var uploaded = await client.PostAsync(new Uri("/api/v1/telematics/events", UriKind.Relative), content);
        var body = await ProblemAssert.JsonAsync(uploaded);

        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var completed = await own.NextAsync("TripCompleted", Patience);
        Assert.Equal(driver, completed.GetProperty("driverId").GetInt64());
        Assert.Equal(body.GetProperty("tripsClosed").GetInt32(), completed.GetProperty("tripsClosed").GetInt32());
    }

    [Fact]
    public async Task A_driver_may_watch_itself_but_not_another_driver()
    {
        await using var host = Host();
        await using var own = await LiveListener.ConnectAsync(host, TestTokens.Driver("41"));

        await own.Connection.InvokeAsync("WatchDriver", 41L);
        var refused = await Assert.ThrowsAsync<HubException>(() => own.Connection.InvokeAsync("WatchDriver", 42L));

        Assert.Contains("You may not watch this driver.", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_book_reader_watching_a_driver_hears_each_change_once()
    {
        var driver = await DriverWithTripsAsync(database, "live-4", 4);
        await using var host = Host();
        await using var book = await LiveListener.ConnectAsync(host, TestTokens.Analyst());
        await book.Connection.InvokeAsync("WatchDriver", driver);
        using var admin = host.ClientAs(TestTokens.Admin());

        using var recalculated = await admin.PostAsync(new Uri($"/api/v1/risk/{driver}/recalculate?periodDays=30", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, recalculated.StatusCode);
        // The first copy, however long a loaded machine takes to deliver it; then the time a second would need to follow.
        var first = await book.NextAsync("RiskScoreCalculated", Patience);
        Assert.Equal(driver, first.GetProperty("driverId").GetInt64());
        await Task.Delay(Settle);
        Assert.DoesNotContain(book.Waiting("RiskScoreCalculated"), m => m.GetProperty("driverId").GetInt64() == driver);
    }

    [Fact]
    public async Task Without_a_token_there_is_no_connection()
    {
        await using var host = Host();
        var connection = LiveListener.Build(host, token: null);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());

        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task A_websocket_connection_is_closed_when_its_token_expires()
    {
        await using var host = Host().With("Auth:ClockSkewSeconds", "0");
        using (var warm = host.ClientAs(null))
        {
            // The host starts first, so that the token's few seconds are all spent connected.
            using var live = await warm.GetAsync(new Uri("/health/live", UriKind.Relative));
        }

        // 10 s: long enough for the first hub connection of a host on a loaded CI machine to be made before it expires.
        var token = TestTokens.Create("analyst", expires: DateTime.UtcNow.AddSeconds(10));
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.Server.BaseAddress, "/hubs/live"), options =>
            {
                // A socket held open, as a browser's: long polling re-sends the token with every poll and fails on its own.
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = host.Server.CreateWebSocketClient();
                    client.ConfigureRequest = request => request.QueryString = request.QueryString.Add("access_token", token);
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            })
            .Build();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await connection.StartAsync();
        Assert.Equal(HubConnectionState.Connected, connection.State);

        // Expiry at 10 s, the server's scan once a second: closed well within 40 s.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(40));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    private ApiHost Host() => new ApiHost().With("ConnectionStrings:Telematics", database.ConnectionString);
}
