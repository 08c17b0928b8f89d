using Telematics.Scoring.Pricing;

namespace Telematics.Storage.Postgres.Drivers;

/// <summary>
/// The changes <see cref="DriverRepository.UpdateAsync"/> makes to a driver, with the semantics of a JSON merge patch:
/// a property that is not set keeps the stored value; <see cref="Region"/>, <see cref="TimeZone"/>, <see cref="AgeBand"/> or
/// <see cref="VehicleClass"/> set to <see langword="null"/> clears it (back to the plan's default rate, the host's default
/// zone, or factor 1).
/// </summary>
/// <example><c>new DriverUpdate { TimeZone = "Europe/Berlin" }</c> changes the zone and keeps the name and region.</example>
public sealed class DriverUpdate
{
    private readonly string? _region;
    private readonly string? _timeZone;
    private readonly string? _ageBand;
    private readonly string? _vehicleClass;

    /// <summary>Creates an update that changes nothing until properties are set.</summary>
    public DriverUpdate()
    {
    }

    // The merge of two patches: what the later one sets wins, the rest comes from the earlier one.
    private DriverUpdate(DriverUpdate earlier, DriverUpdate later)
    {
        DisplayName = later.DisplayName ?? earlier.DisplayName;
        (_region, ChangesRegion) = later.ChangesRegion ? (later._region, true) : (earlier._region, earlier.ChangesRegion);
        (_timeZone, ChangesTimeZone) = later.ChangesTimeZone ? (later._timeZone, true) : (earlier._timeZone, earlier.ChangesTimeZone);
        (_ageBand, ChangesAgeBand) = later.ChangesAgeBand ? (later._ageBand, true) : (earlier._ageBand, earlier.ChangesAgeBand);
        (_vehicleClass, ChangesVehicleClass) = later.ChangesVehicleClass ? (later._vehicleClass, true) : (earlier._vehicleClass, earlier.ChangesVehicleClass);
    }

    /// <summary>
    /// This update followed by <paramref name="later"/>, as one update: each field <paramref name="later"/> sets (even to
    /// <see langword="null"/>) wins, the others keep this update's. Lets a caller build an update field by field from a
    /// request in which any field may be absent.
    /// </summary>
    /// <param name="later">The update applied after this one.</param>
    /// <returns>A new update; neither input changes.</returns>
    public DriverUpdate Then(DriverUpdate later)
    {
        ArgumentNullException.ThrowIfNull(later);
        return new DriverUpdate(this, later);
    }

    /// <summary>The new display name, 1–200 characters.</summary>
    /// <value><see langword="null"/> (the default): keep the stored name; a name cannot be cleared.</value>
    public string? DisplayName { get; init; }

    /// <summary>The new pricing region (<see cref="DriverFields.IsRegion"/>), or <see langword="null"/> to clear it; read only when <see cref="ChangesRegion"/>.</summary>
    public string? Region
    {
        get => _region;
        init
        {
            _region = value;
            ChangesRegion = true;
        }
    }

    /// <summary>Whether <see cref="Region"/> was set, so the update writes it (even when it is <see langword="null"/>).</summary>
    /// <value>Default <see langword="false"/>: the stored region is kept.</value>
    public bool ChangesRegion { get; private init; }

    /// <summary>The new IANA time zone id (<see cref="DriverFields.TryFindTimeZone"/>), or <see langword="null"/> to clear it; read only when <see cref="ChangesTimeZone"/>.</summary>
    public string? TimeZone
    {
        get => _timeZone;
        init
        {
            _timeZone = value;
            ChangesTimeZone = true;
        }
    }

    /// <summary>Whether <see cref="TimeZone"/> was set, so the update writes it (even when it is <see langword="null"/>).</summary>
    /// <value>Default <see langword="false"/>: the stored zone is kept.</value>
    public bool ChangesTimeZone { get; private init; }

    /// <summary>The new age band code (<see cref="RatingFactorCodes.AgeBands"/>), or <see langword="null"/> to clear it; read only when <see cref="ChangesAgeBand"/>.</summary>
    public string? AgeBand
    {
        get => _ageBand;
        init
        {
            _ageBand = value;
            ChangesAgeBand = true;
        }
    }

    /// <summary>Whether <see cref="AgeBand"/> was set, so the update writes it (even when it is <see langword="null"/>).</summary>
    /// <value>Default <see langword="false"/>: the stored age band is kept.</value>
    public bool ChangesAgeBand { get; private init; }

    /// <summary>The new vehicle class code (<see cref="RatingFactorCodes.VehicleClasses"/>), or <see langword="null"/> to clear it; read only when <see cref="ChangesVehicleClass"/>.</summary>
    public string? VehicleClass
    {
        get => _vehicleClass;
        init
        {
            _vehicleClass = value;
            ChangesVehicleClass = true;
        }
    }

    /// <summary>Whether <see cref="VehicleClass"/> was set, so the update writes it (even when it is <see langword="null"/>).</summary>
    /// <value>Default <see langword="false"/>: the stored vehicle class is kept.</value>
    public bool ChangesVehicleClass { get; private init; }

    /// <summary>Whether the update changes nothing (no property set).</summary>
    public bool IsEmpty => DisplayName is null && !ChangesRegion && !ChangesTimeZone && !ChangesAgeBand && !ChangesVehicleClass;
}
