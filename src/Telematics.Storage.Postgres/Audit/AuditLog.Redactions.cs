using System.Text.RegularExpressions;

using Npgsql;

namespace Telematics.Storage.Postgres.Audit;

public sealed partial class AuditLog
{
    // driver/N of driver/N or driver/N/…, as migration 0033's trigger reads it.
    [GeneratedRegex(@"\A(driver/[0-9]+)(/|\z)", RegexOptions.CultureInvariant)]
    private static partial Regex DriverResource();

    /// <summary>
    /// The redacted rows a walk met and the erasures on record: a redaction is legitimate only of a driver's row (driver/N
    /// or driver/N/…) whose erasure a <c>driver.delete</c> row records, so a redaction made with the triggers off, or
    /// before migration 0033 checked it, does not pass as intact.
    /// </summary>
    private sealed class RedactionCheck
    {
        private readonly HashSet<string> _erased = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _redacted = new(StringComparer.Ordinal);

        /// <summary>Notes one verified row; returns why its redaction cannot be legitimate, or null.</summary>
        public string? Observe(long seq, string action, string resource, bool redacted)
        {
            if (action == "driver.delete")
            {
                _erased.Add(resource);
            }

            if (!redacted)
            {
                return null;
            }

            var driver = DriverResource().Match(resource);
            if (!driver.Success)
            {
                return $"its content was redacted but its resource {resource} is not a driver's (only an erased driver's rows may be redacted)";
            }

            _redacted.TryAdd(driver.Groups[1].Value, seq);
            return null;
        }

        /// <summary>
        /// The first redacted row whose driver has no <c>driver.delete</c> row, looked up in the log when the walk did not
        /// meet one (it may start after an anchor); null when every redaction has its erasure.
        /// </summary>
        public async Task<(long Seq, string Problem)?> FindUnerasedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            var open = _redacted.Where(r => !_erased.Contains(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
            if (open.Count == 0)
            {
                return null;
            }

            await using (var command = new NpgsqlCommand(
                "SELECT DISTINCT resource FROM audit_log WHERE action = 'driver.delete' AND resource = ANY($1)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. open.Keys] });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    open.Remove(reader.GetString(0));
                }
            }

            if (open.Count == 0)
            {
                return null;
            }

            var first = open.MinBy(r => r.Value);
            return (first.Value, $"its content was redacted but no driver.delete row records the erasure of {first.Key}");
        }
    }
}
