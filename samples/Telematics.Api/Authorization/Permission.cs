namespace Telematics.Api.Authorization;

/// <summary>
/// What a caller may do. Each value has a stable wire name (<see cref="PermissionNames"/>) that is also the name of the
/// authorization policy requiring it; roles map to permissions in <see cref="RolePermissions"/>.
/// </summary>
internal enum Permission
{
    /// <summary><c>drivers:read</c>: read driver records, trips and statistics.</summary>
    DriversRead,

    /// <summary><c>drivers:write</c>: create, change and delete drivers.</summary>
    DriversWrite,

    /// <summary><c>telematics:write</c>: ingest telematics events.</summary>
    TelematicsWrite,

    /// <summary><c>risk:read</c>: read risk scores, breakdowns, history and recommendations.</summary>
    RiskRead,

    /// <summary><c>risk:batch</c>: recalculate risk for many drivers at once.</summary>
    RiskBatch,

    /// <summary><c>pricing:read</c>: read premiums and their breakdowns.</summary>
    PricingRead,

    /// <summary><c>pricing:write</c>: recalculate premiums and run what-if simulations.</summary>
    PricingWrite,

    /// <summary><c>models:read</c>: list models, versions and experiments.</summary>
    ModelsRead,

    /// <summary><c>models:manage</c>: move model aliases and change experiments.</summary>
    ModelsManage,

    /// <summary><c>audit:read</c>: read and verify the audit log.</summary>
    AuditRead,

    /// <summary><c>admin:read</c>: read the operator's views, such as the event partitions (admin only).</summary>
    AdminRead,

    /// <summary>
    /// <c>dashboard:read</c>: read the book dashboards (aggregates over all drivers, no personal data). The dashboard's
    /// driver list names drivers, so it needs <see cref="DriversRead"/> as well.
    /// </summary>
    DashboardRead,

    /// <summary>
    /// <c>locations:read</c>: read where a driver drove, a trip's positions (admin, and a driver for its own trips). An
    /// analyst reads trips, features and scores but not the positions behind them: they are the most personal data held.
    /// </summary>
    LocationsRead,
}
