using Telematics.Scoring.Results;

namespace Telematics.Storage.Postgres.Dashboard;

/// <summary>What the drivers of the book can be ordered by.</summary>
public enum BookDriverSort
{
    /// <summary>The driver id (registration order).</summary>
    Id,

    /// <summary>The display name.</summary>
    Name,

    /// <summary>The latest score; drivers without one last.</summary>
    Score,

    /// <summary>The latest premium's amount; drivers without one last.</summary>
    Premium,

    /// <summary>When the latest trip started; drivers without one last.</summary>
    LastTrip,
}

/// <summary>A page of the book's drivers: filtered by name, ordered, paged.</summary>
/// <param name="Name">Part of the display name (case-insensitive), or null for everyone.</param>
/// <param name="Sort">The order.</param>
/// <param name="Descending">Largest (or latest) first.</param>
/// <param name="Page">Page number from 1.</param>
/// <param name="PageSize">Drivers per page, 1–<see cref="DashboardQueries.MaxDriverPageSize"/>.</param>
public sealed record BookDriverQuery(string? Name, BookDriverSort Sort, bool Descending, int Page, int PageSize);

/// <summary>One driver of the book with its latest score, premium and trip.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="DisplayName">Its display name.</param>
/// <param name="ExternalRef">The insurer's reference.</param>
/// <param name="Score">The latest score, or null.</param>
/// <param name="Category">Its category, or null.</param>
/// <param name="Premium">The latest premium's amount, or null.</param>
/// <param name="Currency">Its currency, or null.</param>
/// <param name="LastTripAt">When the latest trip started, or null.</param>
/// <param name="Region">The driver's pricing region code, or null when not on record.</param>
/// <param name="AgeBand">The driver's age band code, or null when not on record.</param>
/// <param name="VehicleClass">The driver's vehicle class code, or null when not on record.</param>
public sealed record BookDriver(
    long DriverId, string DisplayName, string ExternalRef, double? Score, RiskCategory? Category, decimal? Premium, string? Currency, DateTimeOffset? LastTripAt,
    string? Region, string? AgeBand, string? VehicleClass)
{
    /// <summary>
    /// The 90 % interval of the driver's long-run score stored with the latest score (ends to single precision); null
    /// when there is no score or its model records no sampling noise.
    /// </summary>
    public ScoreInterval? Interval { get; init; }
}

/// <summary>A page of <see cref="BookDriver"/>s and how many drivers match in all.</summary>
/// <param name="Total">Drivers matching the name filter.</param>
/// <param name="Items">The page.</param>
public sealed record BookDriverPage(long Total, IReadOnlyList<BookDriver> Items);
