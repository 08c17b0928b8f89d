using System.Text.Json.Serialization;
using Telematics.Storage.Postgres.Drivers;

namespace Telematics.Api.Endpoints;

/// <summary>The body of <c>POST /api/v1/drivers</c>.</summary>
/// <param name="ExternalRef">The insurer's reference for the driver (1–200 characters, unique).</param>
/// <param name="DisplayName">The name shown to people (1–200 characters).</param>
/// <param name="Region">The pricing region, a region code of the configured plan such as FR-75; null for the plan's default base rate.</param>
/// <param name="TimeZone">The driver's IANA time zone, such as Europe/Berlin; null for the host's default zone.</param>
/// <param name="AgeBand">The age band code (under25, 25_39, 40_64, over65) for the plan's age relativity; null when not on record.</param>
/// <param name="VehicleClass">The vehicle class code (small, family, suv, performance) for the plan's vehicle relativity; null when not on record.</param>
internal sealed record CreateDriverRequest(
    string? ExternalRef, string? DisplayName, string? Region = null, string? TimeZone = null, string? AgeBand = null, string? VehicleClass = null);

/// <summary>
/// The body of <c>PATCH /api/v1/drivers/{driverId}</c>, a merge patch: each setter records that its field was sent, so a
/// field left out is kept and a field sent as null is cleared.
/// </summary>
internal sealed class UpdateDriverRequest
{
    private string? _displayName;
    private string? _region;
    private string? _timeZone;
    private string? _ageBand;
    private string? _vehicleClass;

    /// <summary>The new display name (1–200 characters); cannot be null.</summary>
    public string? DisplayName
    {
        get => _displayName;
        set
        {
            _displayName = value;
            HasDisplayName = true;
        }
    }

    /// <summary>The new pricing region (a region code of the configured plan), or null for the plan's default base rate.</summary>
    public string? Region
    {
        get => _region;
        set
        {
            _region = value;
            HasRegion = true;
        }
    }

    /// <summary>The new IANA time zone, or null for the host's default zone.</summary>
    public string? TimeZone
    {
        get => _timeZone;
        set
        {
            _timeZone = value;
            HasTimeZone = true;
        }
    }

    /// <summary>The new age band code (under25, 25_39, 40_64, over65), or null when not on record.</summary>
    public string? AgeBand
    {
        get => _ageBand;
        set
        {
            _ageBand = value;
            HasAgeBand = true;
        }
    }

    /// <summary>The new vehicle class code (small, family, suv, performance), or null when not on record.</summary>
    public string? VehicleClass
    {
        get => _vehicleClass;
        set
        {
            _vehicleClass = value;
            HasVehicleClass = true;
        }
    }

    /// <summary>Whether the body holds <c>displayName</c>.</summary>
    [JsonIgnore]
    public bool HasDisplayName { get; private set; }

    /// <summary>Whether the body holds <c>region</c> (perhaps null).</summary>
    [JsonIgnore]
    public bool HasRegion { get; private set; }

    /// <summary>Whether the body holds <c>timeZone</c> (perhaps null).</summary>
    [JsonIgnore]
    public bool HasTimeZone { get; private set; }

    /// <summary>Whether the body holds <c>ageBand</c> (perhaps null).</summary>
    [JsonIgnore]
    public bool HasAgeBand { get; private set; }

    /// <summary>Whether the body holds <c>vehicleClass</c> (perhaps null).</summary>
    [JsonIgnore]
    public bool HasVehicleClass { get; private set; }
}

/// <summary>A driver as the API returns it.</summary>
/// <param name="DriverId">The driver's id (what a driver token's <c>driverId</c> carries).</param>
/// <param name="ExternalRef">The insurer's reference.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="CreatedAt">When the driver was registered (UTC).</param>
/// <param name="UpdatedAt">When the driver was last changed (UTC).</param>
/// <param name="Region">The pricing region; null: the plan's default base rate.</param>
/// <param name="TimeZone">The IANA time zone of the local-time features; null: the host's default zone.</param>
/// <param name="AgeBand">The age band code; null: not on record (factor 1).</param>
/// <param name="VehicleClass">The vehicle class code; null: not on record (factor 1).</param>
internal sealed record DriverResponse(
    long DriverId, string ExternalRef, string DisplayName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Region, string? TimeZone,
    string? AgeBand, string? VehicleClass)
{
    public static DriverResponse From(DriverRecord record) =>
        new(record.DriverId, record.ExternalRef, record.DisplayName, record.CreatedAt, record.UpdatedAt, record.Region, record.TimeZone,
            record.AgeBand, record.VehicleClass);
}

/// <summary>One page of <c>GET /api/v1/drivers</c>.</summary>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">The most items a page holds.</param>
/// <param name="Items">The drivers of the page, by id; fewer than <paramref name="PageSize"/> on the last page.</param>
internal sealed record DriverPage(int Page, int PageSize, IReadOnlyList<DriverResponse> Items);
