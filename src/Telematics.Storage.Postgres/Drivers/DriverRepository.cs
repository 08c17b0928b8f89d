using System.Globalization;
using System.Text;
using System.Text.Json;

using Npgsql;

using Telematics.Service.Events;
using Telematics.Service.Ingest;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Outbox;

namespace Telematics.Storage.Postgres.Drivers;

/// <summary>Creates, reads, updates (name, region, time zone, age band, vehicle class) and deletes drivers; every change writes its audit row in the same transaction.</summary>
/// <remarks>Thread-safe. Text is always sent as parameters, never spliced into SQL.</remarks>
public sealed partial class DriverRepository : IDriverErasures
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the repository.</summary>
    /// <param name="dataSource">Data source of a migrated database.</param>
    /// <param name="timeProvider">Clock for created/updated times and audit rows.</param>
    public DriverRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Whether each write also leaves its domain events in <c>domain_event_outbox</c>, in the same transaction (for a
    /// relay to hand on; see <see cref="TelematicsPostgresOptions.WriteDomainEvents"/>). Default false.
    /// </summary>
    public bool WriteDomainEvents { get; init; }

    /// <summary>Creates a driver with no region and no time zone of their own.</summary>
    /// <param name="externalRef">The insurer's reference, unique, 1–200 characters.</param>
    /// <param name="displayName">Display name, 1–200 characters.</param>
    /// <param name="actor">Who creates it.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The stored driver.</returns>
    /// <exception cref="ArgumentException">A text is empty or longer than 200 characters (the message names it).</exception>
    /// <exception cref="PostgresException">The external reference is taken (SQL state 23505).</exception>
    public Task<DriverRecord> CreateAsync(string externalRef, string displayName, AuditActor actor, CancellationToken cancellationToken = default) =>
        CreateAsync(new NewDriver(externalRef, displayName), actor, cancellationToken);

    /// <summary>Creates a driver with their region, time zone, age band and vehicle class; the audit row's <c>after</c> holds every stored field.</summary>
    /// <param name="driver">What to store.</param>
    /// <param name="actor">Who creates it.</param>
    /// <param name="cancellationToken">Cancels the insert (required here: one overload only may have optional parameters).</param>
    /// <returns>The stored driver.</returns>
    /// <exception cref="ArgumentException">
    /// A field is invalid; <see cref="ArgumentException.ParamName"/> names it (<c>externalRef</c>, <c>displayName</c>:
    /// empty or longer than 200 characters; <c>region</c>: not a region code; <c>timeZone</c>: not a known IANA id;
    /// <c>ageBand</c>, <c>vehicleClass</c>: not one of the codes of <see cref="Telematics.Scoring.Pricing.RatingFactorCodes"/>).
    /// </exception>
    /// <exception cref="PostgresException">The external reference is taken (SQL state 23505).</exception>
    public async Task<DriverRecord> CreateAsync(NewDriver driver, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(driver);
        CheckText(driver.ExternalRef, "externalRef");
        CheckText(driver.DisplayName, "displayName");
        DriverFields.CheckRegion(driver.Region, "region");
        DriverFields.CheckTimeZone(driver.TimeZone, "timeZone");
        DriverFields.CheckAgeBand(driver.AgeBand, "ageBand");
        DriverFields.CheckVehicleClass(driver.VehicleClass, "vehicleClass");
        // Whole microseconds: the record returned by a write equals the one read back afterwards.
        var now = PostgresTimestamp.StoredPrecision(_timeProvider.GetUtcNow());
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        long id;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO drivers (external_ref, display_name, region, time_zone, created_at, updated_at, age_band, vehicle_class) VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING driver_id",
            connection,
            transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = driver.ExternalRef });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = driver.DisplayName });
            insert.Parameters.Add(NullableText(driver.Region));
            insert.Parameters.Add(NullableText(driver.TimeZone));
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            insert.Parameters.Add(NullableText(driver.AgeBand));
            insert.Parameters.Add(NullableText(driver.VehicleClass));
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var created = new DriverRecord(id, driver.ExternalRef, driver.DisplayName, now, now) { Region = driver.Region, TimeZone = driver.TimeZone, AgeBand = driver.AgeBand, VehicleClass = driver.VehicleClass };
        await AuditWriter.AppendAsync(connection, transaction, now, actor, "driver.create", Resource(id), null, ToJson(created), cancellationToken).ConfigureAwait(false);
        if (WriteDomainEvents)
        {
            await OutboxWriter.AppendAsync(connection, transaction, DomainEvents.DriverRegistered(id, created.Cell, now), cancellationToken).ConfigureAwait(false);
        }

        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>Reads a driver.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The driver, or <see langword="null"/> when there is none with that id.</returns>
    public async Task<DriverRecord?> GetAsync(long driverId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, driverId, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a driver by the insurer's reference (served by the UNIQUE index on <c>external_ref</c>).</summary>
    /// <param name="externalRef">The reference.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The driver, or <see langword="null"/> when no driver has that reference.</returns>
    public async Task<DriverRecord?> GetByExternalRefAsync(string externalRef, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(externalRef);
        await using var command = _dataSource.CreateCommand("SELECT driver_id FROM drivers WHERE external_ref = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = externalRef });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id
            ? await GetAsync(id, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>Changes a driver's display name (region and time zone are kept).</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="displayName">New display name, 1–200 characters.</param>
    /// <param name="actor">Who changes it.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The updated driver, or <see langword="null"/> when there is none with that id.</returns>
    /// <exception cref="ArgumentException">The name is empty or longer than 200 characters (the message names it).</exception>
    public Task<DriverRecord?> RenameAsync(long driverId, string displayName, AuditActor actor, CancellationToken cancellationToken = default)
    {
        CheckText(displayName, nameof(displayName));
        return UpdateAsync(driverId, new DriverUpdate { DisplayName = displayName }, actor, cancellationToken);
    }

    /// <summary>
    /// Changes the fields <paramref name="update"/> sets (a merge patch: unset fields are kept, a region or zone set to
    /// <see langword="null"/> is cleared) with one audit row <c>driver.update</c> holding the whole driver before and after.
    /// An update that sets nothing writes nothing and returns the stored driver.
    /// </summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="update">The changes.</param>
    /// <param name="actor">Who changes it.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The driver after the update, or <see langword="null"/> when there is none with that id.</returns>
    /// <exception cref="ArgumentException">
    /// A field is invalid; <see cref="ArgumentException.ParamName"/> names it (<c>displayName</c>, <c>region</c>, <c>timeZone</c>, <c>ageBand</c> or <c>vehicleClass</c>).
    /// </exception>
    public async Task<DriverRecord?> UpdateAsync(long driverId, DriverUpdate update, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.DisplayName is not null)
        {
            CheckText(update.DisplayName, "displayName");
        }

        DriverFields.CheckRegion(update.ChangesRegion ? update.Region : null, "region");
        DriverFields.CheckTimeZone(update.ChangesTimeZone ? update.TimeZone : null, "timeZone");
        DriverFields.CheckAgeBand(update.ChangesAgeBand ? update.AgeBand : null, "ageBand");
        DriverFields.CheckVehicleClass(update.ChangesVehicleClass ? update.VehicleClass : null, "vehicleClass");
        if (update.IsEmpty)
        {
            return await GetAsync(driverId, cancellationToken).ConfigureAwait(false);
        }

        // Whole microseconds: the record returned by a write equals the one read back afterwards.
        var now = PostgresTimestamp.StoredPrecision(_timeProvider.GetUtcNow());
        await using var durable = await DurableTransaction.BeginAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        var (connection, transaction) = (durable.Connection, durable.Transaction);
        var before = await ReadAsync(connection, transaction, driverId, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            return null;
        }

        var after = before with
        {
            DisplayName = update.DisplayName ?? before.DisplayName,
            Region = update.ChangesRegion ? update.Region : before.Region,
            TimeZone = update.ChangesTimeZone ? update.TimeZone : before.TimeZone,
            AgeBand = update.ChangesAgeBand ? update.AgeBand : before.AgeBand,
            VehicleClass = update.ChangesVehicleClass ? update.VehicleClass : before.VehicleClass,
            UpdatedAt = now,
        };
        await using (var write = new NpgsqlCommand(
            "UPDATE drivers SET display_name = $2, region = $3, time_zone = $4, updated_at = $5, age_band = $6, vehicle_class = $7 WHERE driver_id = $1", connection, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after.DisplayName });
            write.Parameters.Add(NullableText(after.Region));
            write.Parameters.Add(NullableText(after.TimeZone));
            write.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            write.Parameters.Add(NullableText(after.AgeBand));
            write.Parameters.Add(NullableText(after.VehicleClass));
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await AuditWriter.AppendAsync(connection, transaction, now, actor, "driver.update", Resource(driverId), ToJson(before), ToJson(after), cancellationToken).ConfigureAwait(false);
        await durable.CommitAsync(cancellationToken).ConfigureAwait(false);
        return after;
    }

    /// <summary>Erases a driver: see <see cref="EraseAsync"/>, which also says what is done about archived months.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="actor">Who deletes.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns><see langword="false"/> when there was no such driver.</returns>
    public async Task<bool> DeleteAsync(long driverId, AuditActor actor, CancellationToken cancellationToken = default) =>
        await EraseAsync(driverId, actor, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Reads one page of drivers by id, optionally those whose display name contains <paramref name="name"/> (any case),
    /// or only one driver (a driver's own list).
    /// </summary>
    /// <param name="name">Substring of the display name; null for every driver.</param>
    /// <param name="onlyDriverId">Restricts the page to this driver; null for no restriction.</param>
    /// <param name="page">The page number, from 1.</param>
    /// <param name="pageSize">Rows per page, 1–<see cref="MaxPageSize"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page's drivers by ascending id; fewer than <paramref name="pageSize"/> on the last page.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The page or page size is out of range.</exception>
    public async Task<IReadOnlyList<DriverRecord>> ListAsync(string? name, long? onlyDriverId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        await using var command = _dataSource.CreateCommand(
            Select + " WHERE ($1::text IS NULL OR strpos(lower(display_name), lower($1)) > 0) AND ($2::bigint IS NULL OR driver_id = $2) ORDER BY driver_id LIMIT $3 OFFSET $4");
        command.Parameters.Add(NullableText(name));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = onlyDriverId is { } id ? id : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)(page - 1) * pageSize });
        var items = new List<DriverRecord>(pageSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(Map(reader));
        }

        return items;
    }

    /// <summary>The largest page <see cref="ListAsync"/> reads.</summary>
    public const int MaxPageSize = 200;

    private const string Select = "SELECT driver_id, external_ref, display_name, created_at, updated_at, region, time_zone, age_band, vehicle_class FROM drivers";

    private static async Task<DriverRecord?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long driverId, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Select + " WHERE driver_id = $1" + (forUpdate ? " FOR UPDATE" : string.Empty), connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Map(reader) : null;
    }

    // The one mapping of a drivers row (the columns of Select, in order).
    private static DriverRecord Map(NpgsqlDataReader reader) =>
        new DriverRecord(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(3)),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(4)))
        {
            Region = reader.IsDBNull(5) ? null : reader.GetString(5),
            TimeZone = reader.IsDBNull(6) ? null : reader.GetString(6),
            AgeBand = reader.IsDBNull(7) ? null : reader.GetString(7),
            VehicleClass = reader.IsDBNull(8) ? null : reader.GetString(8),
        };

    private static void CheckText(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200)
        {
            throw new ArgumentException($"{name} must be 1–200 characters.", name);
        }
    }

    private static NpgsqlParameter NullableText(string? value) =>
        new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static string Resource(long driverId) => string.Create(CultureInfo.InvariantCulture, $"driver/{driverId}");

    private static string ToJson(DriverRecord driver)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("driver_id", driver.DriverId);
            json.WriteString("external_ref", driver.ExternalRef);
            json.WriteString("display_name", driver.DisplayName);
            WriteNullable(json, "region", driver.Region);
            WriteNullable(json, "time_zone", driver.TimeZone);
            WriteNullable(json, "age_band", driver.AgeBand);
            WriteNullable(json, "vehicle_class", driver.VehicleClass);
            json.WriteString("created_at", driver.CreatedAt);
            json.WriteString("updated_at", driver.UpdatedAt);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
