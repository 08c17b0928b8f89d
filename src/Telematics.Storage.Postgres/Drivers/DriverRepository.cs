using System.Globalization;
using System.Text;
using System.Text.Json;

using Npgsql;

using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Drivers;

/// <summary>Creates, reads, renames and deletes drivers; every change writes its audit row in the same transaction.</summary>
/// <remarks>Thread-safe. Text is always sent as parameters, never spliced into SQL.</remarks>
public sealed class DriverRepository
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

    /// <summary>Creates a driver.</summary>
    /// <param name="externalRef">The insurer's reference, unique, 1–200 characters.</param>
    /// <param name="displayName">Display name, 1–200 characters.</param>
    /// <param name="actor">Who creates it.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>The stored driver.</returns>
    /// <exception cref="ArgumentException">A text is empty or longer than 200 characters (the message names it).</exception>
    /// <exception cref="PostgresException">The external reference is taken (SQL state 23505).</exception>
    public async Task<DriverRecord> CreateAsync(string externalRef, string displayName, AuditActor actor, CancellationToken cancellationToken = default)
    {
        CheckText(externalRef, nameof(externalRef));
        CheckText(displayName, nameof(displayName));
        var now = _timeProvider.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long id;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO drivers (external_ref, display_name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING driver_id", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = externalRef });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = displayName });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var driver = new DriverRecord(id, externalRef, displayName, now, now);
        await AuditWriter.AppendAsync(connection, transaction, now, actor, "driver.create", Resource(id), null, ToJson(driver), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return driver;
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

    /// <summary>Changes a driver's display name.</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="displayName">New display name, 1–200 characters.</param>
    /// <param name="actor">Who changes it.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The updated driver, or <see langword="null"/> when there is none with that id.</returns>
    public async Task<DriverRecord?> RenameAsync(long driverId, string displayName, AuditActor actor, CancellationToken cancellationToken = default)
    {
        CheckText(displayName, nameof(displayName));
        var now = _timeProvider.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var before = await ReadAsync(connection, transaction, driverId, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            return null;
        }

        await using (var update = new NpgsqlCommand("UPDATE drivers SET display_name = $2, updated_at = $3 WHERE driver_id = $1", connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = displayName });
            update.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var after = before with { DisplayName = displayName, UpdatedAt = now };
        await AuditWriter.AppendAsync(connection, transaction, now, actor, "driver.update", Resource(driverId), ToJson(before), ToJson(after), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return after;
    }

    /// <summary>Deletes a driver with their vehicles, trips, scores and premiums (events are kept until their partition expires).</summary>
    /// <param name="driverId">The driver.</param>
    /// <param name="actor">Who deletes.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns><see langword="false"/> when there was no such driver.</returns>
    public async Task<bool> DeleteAsync(long driverId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var before = await ReadAsync(connection, transaction, driverId, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            return false;
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM drivers WHERE driver_id = $1", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await AuditWriter.AppendAsync(connection, transaction, _timeProvider.GetUtcNow(), actor, "driver.delete", Resource(driverId), ToJson(before), null, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<DriverRecord?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long driverId, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT driver_id, external_ref, display_name, created_at, updated_at FROM drivers WHERE driver_id = $1" + (forUpdate ? " FOR UPDATE" : string.Empty),
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = driverId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new DriverRecord(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(3)),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(4)));
    }

    private static void CheckText(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200)
        {
            throw new ArgumentException($"{name} must be 1–200 characters.", name);
        }
    }

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
            json.WriteString("created_at", driver.CreatedAt);
            json.WriteString("updated_at", driver.UpdatedAt);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
