using Telematics.Scoring.Results;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Scores;
using Telematics.Testing;

using static Telematics.Storage.Postgres.Tests.Infrastructure.StorageTestContext;

namespace Telematics.Storage.Postgres.Tests.Scores;

/// <summary>
/// The book's cell means against a small known book: each test scores its own model name, so the tests of the class
/// (which share a database) do not see each other's drivers.
/// </summary>
public sealed class BookCellMeansQueryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly DateTimeOffset Day = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly DriverRepository _drivers = new(database.DataSource, TimeProvider.System);
    private readonly ScoreRepository _scores = new(database.DataSource, TimeProvider.System);

    public Task InitializeAsync() => MigrateAsync(database);

    public Task DisposeAsync() => Task.CompletedTask;

    private BookCellMeansQuery Query => new(database.DataSource);

    [Fact]
    public async Task Every_cell_shape_a_plan_takes_is_the_mean_of_each_drivers_latest_score_and_small_cells_are_left_out()
    {
        const string model = "book-freq";
        await BookAsync(model);

        var book = await Query.ReadAsync(model, minDrivers: 2);

        // A1 0.2, A2 0.4, A3 0.9 (its latest, version 2), B1 0.1, B2 0.05, C1 0.6, D1 0.15; the erased driver and the
        // driver scored only by another model are not counted, nor A2's older score or A2's later score of another model.
        Assert.Equal(7, book.Drivers);
        Assert.Equal(2.4 / 7, book.BookMeanFrequency!.Value, 12);
        Assert.Equal([new BookModelVersionCount("1", 6), new BookModelVersionCount("2", 1)], book.Versions);
        AssertCells(
            [
                ("FR-75/under25/small", 2, 0.3),
                ("FR-75/under25/*", 3, 0.5),
                ("FR-75/*/small", 2, 0.3),
                ("*/under25/small", 2, 0.3),
                ("*/40_64/small", 2, 0.075),
                ("FR-75/*/*", 4, 1.65 / 4),
                ("*/under25/*", 3, 0.5),
                ("*/40_64/*", 2, 0.075),
                ("*/*/small", 4, 0.75 / 4),
            ],
            book.Cells);
    }

    [Fact]
    public async Task One_version_reads_each_drivers_latest_score_of_that_version_and_a_higher_minimum_cuts_more_cells()
    {
        const string model = "book-freq-v";
        await BookAsync(model);

        var book = await Query.ReadAsync(model, "1", minDrivers: 3);

        // A3's latest score of version 1 is 0.3.
        Assert.Equal(7, book.Drivers);
        Assert.Equal(1.8 / 7, book.BookMeanFrequency!.Value, 12);
        Assert.Equal([new BookModelVersionCount("1", 7)], book.Versions);
        AssertCells(
            [
                ("FR-75/under25/*", 3, 0.3),
                ("FR-75/*/*", 4, 1.05 / 4),
                ("*/under25/*", 3, 0.3),
                ("*/*/small", 4, 0.75 / 4),
            ],
            book.Cells);
    }

    [Fact]
    public async Task The_default_minimum_is_thirty_drivers_a_cell_and_the_book_mean_is_always_given()
    {
        const string model = "book-freq-30";
        for (var i = 0; i < 30; i++)
        {
            await DriverAsync(model, i < 29 ? "FR-33" : "FR-69", "over65", "suv", 0.1 + (i * 0.01));
        }

        var book = await Query.ReadAsync(model);

        Assert.Equal(BookCellMeansQuery.DefaultMinDrivers, book.MinDrivers);
        Assert.Equal(30, book.Drivers);
        var mean = (3.0 + (0.01 * 29 * 30 / 2)) / 30;
        Assert.Equal(mean, book.BookMeanFrequency!.Value, 12);
        // 29 drivers in FR-33: its cells are cut, those of the whole book's 30 over-65 SUV drivers are not.
        AssertCells([("*/over65/suv", 30, mean), ("*/over65/*", 30, mean), ("*/*/suv", 30, mean)], book.Cells);
    }

    [Fact]
    public async Task A_model_no_stored_driver_was_scored_by_has_no_drivers_and_no_mean()
    {
        await DriverAsync("book-freq-other", "FR-75", "under25", "small", 0.2);

        var book = await Query.ReadAsync("book-freq-never");

        Assert.Equal((0L, (double?)null), (book.Drivers, book.BookMeanFrequency));
        Assert.Empty(book.Cells);
        Assert.Empty(book.Versions);
    }

    [Fact]
    public async Task Arguments_are_checked()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Query.ReadAsync("m", minDrivers: 0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Query.ReadAsync(" "));
    }

    private static void AssertCells(IReadOnlyList<(string Key, long Drivers, double Mean)> expected, IReadOnlyList<BookCellMean> actual)
    {
        Assert.Equal(expected.Select(e => (e.Key, e.Drivers)), actual.Select(c => (c.Key, c.Drivers)));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Mean, actual[i].MeanFrequency, 12);
        }
    }

    // A small book of the model: two FR-75 cells, an FR-13 driver, drivers without a region or without any factor, one
    // with only a region, one erased and one scored by another model only.
    private async Task BookAsync(string model)
    {
        await DriverAsync(model, "FR-75", "under25", "small", 0.2);
        var a2 = await DriverAsync(model, "FR-75", "under25", "small", 5.0, Day.AddDays(-10));
        await ScoreAsync(a2, model, "1", 0.4, Day);
        await ScoreAsync(a2, "another-model", "1", 3.0, Day.AddDays(1));
        var a3 = await DriverAsync(model, "FR-75", "under25", "family", 0.3);
        await ScoreAsync(a3, model, "2", 0.9, Day.AddDays(2));
        await DriverAsync(model, "FR-13", "40_64", "small", 0.1);
        await DriverAsync(model, null, "40_64", "small", 0.05);
        await DriverAsync(model, null, null, null, 0.6);
        await DriverAsync(model, "FR-75", null, null, 0.15);
        var erased = await DriverAsync(model, "FR-75", "under25", "small", 9.0);
        Assert.NotNull(await _drivers.EraseAsync(erased, Actor));
        await DriverAsync("another-model", "FR-75", "under25", "small", 7.0);
    }

    private async Task<long> DriverAsync(string model, string? region, string? ageBand, string? vehicleClass, double lambda, DateTimeOffset? scoredAt = null)
    {
        var name = "cells-" + Guid.NewGuid().ToString("N");
        var driver = await _drivers.CreateAsync(new NewDriver(name, name) { Region = region, AgeBand = ageBand, VehicleClass = vehicleClass }, Actor, CancellationToken.None);
        await ScoreAsync(driver.DriverId, model, "1", lambda, scoredAt ?? Day);
        return driver.DriverId;
    }

    private Task<long> ScoreAsync(long driverId, string model, string version, double lambda, DateTimeOffset scoredAt) =>
        _scores.AddAsync(new RiskScoreRecord(driverId, scoredAt, scoredAt.AddDays(-30), scoredAt, 50, RiskCategory.Average, lambda, model, version, null, null, new float[29], new float[29]), Actor);
}
