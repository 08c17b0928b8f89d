using System.Globalization;

namespace Telematics.Api.Endpoints;

/// <summary>
/// A figure the database keeps in single precision (<c>real</c>), as the API writes it: the stored float in the shortest
/// decimal that is that float (0.3, not 0.30000001192092896), so a recalculation answers what a later read returns.
/// </summary>
internal static class StoredReal
{
    /// <summary>The value rounded to single precision, widened back through its shortest decimal.</summary>
    public static double Of(double value) => double.Parse(((float)value).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary><see cref="Of(double)"/> of a value that may be missing.</summary>
    public static double? Of(double? value) => value is { } present ? Of(present) : null;
}
