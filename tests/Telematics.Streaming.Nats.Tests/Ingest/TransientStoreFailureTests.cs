using System.Globalization;

using NATS.Client.JetStream.Models;

using Npgsql;

using Telematics.Streaming.Nats.Ingest;
using Telematics.Streaming.Nats.Tests.Infrastructure;
using Telematics.Testing;

namespace Telematics.Streaming.Nats.Tests.Ingest;

/// <summary>
/// A database that cannot take a batch for now (shutting down, a failover onto a read-only node, a statement timeout, a
/// broken connection) never sends the batch to the dead letters, however long it lasts; and the deliveries that count
/// towards <see cref="StreamIngestOptions.MaxDeliveries"/> are only those the batch itself was refused in.
/// </summary>
public sealed class TransientStoreFailureTests(PostgresDatabase database, NatsServer nats) : IClassFixture<PostgresDatabase>, IClassFixture<NatsServer>
{
    private static readonly DateTimeOffset Day = new(2026, 5, 15, 6, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("57P01")] // admin_shutdown
    [InlineData("57P02")] // crash_shutdown
    [InlineData("57P03")] // cannot_connect_now
    [InlineData("40P01")] // deadlock_detected
    [InlineData("40001")] // serialization_failure
    [InlineData("25006")] // read_only_sql_transaction
    [InlineData("57014")] // query_canceled (statement timeout)
    [InlineData("08000")]
    [InlineData("08006")]
    [InlineData("08P01")]
    [InlineData("53300")] // too_many_connections
    [InlineData("55P03")] // lock_not_available
    public void A_server_that_cannot_serve_now_is_transient_however_deep_it_is_wrapped(string sqlState)
    {
        var postgres = new PostgresException("injected", "FATAL", "FATAL", sqlState);

        Assert.True(TransientStoreFailure.IsTransient(postgres));
        Assert.True(TransientStoreFailure.IsTransient(new InvalidOperationException("wrapped", new NpgsqlException("outer", postgres))));
    }

    [Theory]
    [InlineData("23503")] // foreign_key_violation: the driver does not exist
    [InlineData("23505")]
    [InlineData("22P02")]
    [InlineData("P0001")]
    [InlineData("42P01")]
    public void A_statement_the_server_refuses_is_not_transient(string sqlState)
    {
        var postgres = new PostgresException("refused", "ERROR", "ERROR", sqlState);

        Assert.False(TransientStoreFailure.IsTransient(postgres));
        Assert.False(TransientStoreFailure.IsTransient(new KeyNotFoundException("No driver 42", postgres)));
    }

    [Fact]
    public void Timeouts_and_broken_sockets_are_transient_and_other_errors_are_not()
    {
        Assert.True(TransientStoreFailure.IsTransient(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(TransientStoreFailure.IsTransient(new NpgsqlException("timeout", new TimeoutException())));
        Assert.True(TransientStoreFailure.IsTransient(new System.Net.Sockets.SocketException(111)));
        Assert.False(TransientStoreFailure.IsTransient(new InvalidOperationException("a bug")));
        Assert.False(TransientStoreFailure.IsTransient(new KeyNotFoundException("No driver 42")));
    }

    [Theory]
    [InlineData("57014")] // query_canceled: a statement timeout
    [InlineData("40P01")] // deadlock_detected
    [InlineData("55P03")] // lock_not_available
    public void A_statement_timeout_deadlock_or_lock_timeout_is_a_statement_failure_whether_or_not_others_committed(string sqlState)
    {
        var postgres = new PostgresException("injected", "ERROR", "ERROR", sqlState);

        Assert.True(TransientStoreFailure.IsStatementFailure(new NpgsqlException("outer", postgres), othersCommitted: false));
        Assert.True(TransientStoreFailure.IsStatementFailure(postgres, othersCommitted: true));
    }

    [Theory]
    [InlineData("57P01")] // admin_shutdown
    [InlineData("57P03")] // cannot_connect_now
    [InlineData("25006")] // read_only_sql_transaction
    [InlineData("08006")]
    [InlineData("53300")]
    [InlineData("40001")] // serialization_failure: not counted (not one of the three)
    public void An_outage_is_never_a_statement_failure(string sqlState)
    {
        var postgres = new PostgresException("injected", "FATAL", "FATAL", sqlState);

        Assert.False(TransientStoreFailure.IsStatementFailure(new NpgsqlException("outer", postgres), othersCommitted: true));
        Assert.False(TransientStoreFailure.IsStatementFailure(new NpgsqlException("refused", new System.Net.Sockets.SocketException(111)), othersCommitted: true));
        Assert.False(TransientStoreFailure.IsStatementFailure(new NpgsqlException("timeout", new TimeoutException("t", new System.Net.Sockets.SocketException(110))), othersCommitted: true));
    }

    [Fact]
    public void A_timeout_is_a_statement_failure_only_while_other_batches_commit()
    {
        var timeout = new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt"));

        Assert.True(TransientStoreFailure.IsStatementFailure(timeout, othersCommitted: true));
        Assert.False(TransientStoreFailure.IsStatementFailure(timeout, othersCommitted: false)); // a network dropping packets
    }

    [Fact]
    public async Task A_batch_whose_statement_always_times_out_is_handed_back_after_max_statement_attempts_and_dead_lettered()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 1, configure: options =>
        {
            options.MaxDeliveries = 2;
            options.MaxStatementAttempts = 2;
        });
        var batch = Guid.CreateVersion7();

        // A replay that outlasts statement_timeout on every attempt, as a very long trip's does.
        var attempts = await StoreFaults.InjectAsync(book, batch, [], otherwise: "57014");
        var ack = await rig.Publisher.PublishAsync(driver, batch, DrivingDays.Day(23, Day, trips: 1, tripSeconds: 300), "UTC", Book.Actor);
        rig.StartWorker(book.Ingestor, "w1");

        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        await rig.WaitUntilAsync(async () => { await deadLetters.RefreshAsync(); return deadLetters.Info.State.Messages == 1; }, TimeSpan.FromSeconds(45), "the batch is dead-lettered");

        // Two attempts in place on each of the two deliveries.
        Assert.Equal(2 * 2, await attempts());
        var dead = await deadLetters.GetDirectAsync<byte[]>(new StreamMsgGetRequest { LastBySubj = rig.Topology.Names.DeadLetterSubject(0) });
        Assert.StartsWith("not stored after 2 deliveries", dead.Headers![EventStreamNames.ReasonHeader].ToString(), StringComparison.Ordinal);
        Assert.Contains("57014", dead.Headers[EventStreamNames.ReasonHeader].ToString(), StringComparison.Ordinal);
        Assert.Equal(ack.Sequence.ToString(CultureInfo.InvariantCulture), dead.Headers[EventStreamNames.SequenceHeader].ToString());
    }

    [Fact]
    public async Task A_failover_that_outlasts_max_deliveries_dead_letters_nothing_and_the_batch_is_stored_after_it()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 1, configure: options => options.MaxDeliveries = 2);
        var batch = Guid.CreateVersion7();

        // A primary shutting down, the client landing on the demoted read-only node, a statement cut by its timeout, the
        // connection broken: four failures in a row, twice MaxDeliveries.
        var attempts = await StoreFaults.InjectAsync(book, batch, ["57P01", "25006", "57014", "08006"]);
        var day = DrivingDays.Day(21, Day, trips: 1, tripSeconds: 300);
        await rig.Publisher.PublishAsync(driver, batch, day, "UTC", Book.Actor);
        rig.StartWorker(book.Ingestor, "w1");

        await rig.WaitUntilAsync(async () => await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", batch) == 1, TimeSpan.FromSeconds(60), "the batch is stored");

        Assert.Equal(5, await attempts());
        Assert.Equal(day.Count, await book.ScalarAsync("SELECT count(*) FROM telematics_events WHERE driver_id = $1", driver));
        Assert.Equal(0L, (await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream)).Info.State.Messages);
    }

    [Fact]
    public async Task Deliveries_during_an_outage_do_not_count_and_a_batch_refused_after_it_gets_its_max_deliveries()
    {
        var book = await Book.OpenAsync(database);
        var driver = (await book.CreateDriversAsync(1))[0];
        await using var rig = StreamRig.Create(nats.Url, partitions: 1, configure: options => options.MaxDeliveries = 3);
        var batch = Guid.CreateVersion7();

        // Three serialization failures (transient by Npgsql's own measure), then a refusal on every attempt after them.
        var attempts = await StoreFaults.InjectAsync(book, batch, ["40001", "40001", "40001"], otherwise: "P0001");
        var ack = await rig.Publisher.PublishAsync(driver, batch, DrivingDays.Day(22, Day, trips: 1, tripSeconds: 300), "UTC", Book.Actor);
        rig.StartWorker(book.Ingestor, "w1");

        var deadLetters = await rig.Js.GetStreamAsync(rig.Topology.Names.DeadLetterStream);
        await rig.WaitUntilAsync(async () => { await deadLetters.RefreshAsync(); return deadLetters.Info.State.Messages == 1; }, TimeSpan.FromSeconds(60), "the batch is dead-lettered");

        // Refused three times after the outage, as MaxDeliveries says, not once.
        Assert.Equal(3 + 3, await attempts());
        var dead = await deadLetters.GetDirectAsync<byte[]>(new StreamMsgGetRequest { LastBySubj = rig.Topology.Names.DeadLetterSubject(0) });
        Assert.StartsWith("not stored after 3 deliveries", dead.Headers![EventStreamNames.ReasonHeader].ToString(), StringComparison.Ordinal);
        Assert.Equal(ack.Sequence.ToString(CultureInfo.InvariantCulture), dead.Headers[EventStreamNames.SequenceHeader].ToString());
        Assert.Equal(0, await book.ScalarAsync("SELECT count(*) FROM ingest_batches WHERE batch_id = $1", batch));
    }
}
