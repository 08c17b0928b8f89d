namespace Telematics.Service.Storage;

/// <summary>An audit row to append: what was done to what, and the state after it.</summary>
/// <param name="Action">Dotted action name, e.g. <c>score.batch</c>.</param>
/// <param name="Resource">The resource path, e.g. <c>driver/42</c>.</param>
/// <param name="After">The state after the change, a JSON object.</param>
public sealed record AuditChange(string Action, string Resource, string After);
