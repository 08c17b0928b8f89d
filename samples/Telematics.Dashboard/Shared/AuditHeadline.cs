using System.Globalization;

using MudBlazor;

using Telematics.Dashboard.Api;

namespace Telematics.Dashboard.Shared;

/// <summary>The headline of an audit chain verification: its words and how alarming it is.</summary>
public static class AuditHeadline
{
    /// <summary>The severity and one-line text to show for <paramref name="verification"/>.</summary>
    public static (Severity Severity, string Text) Of(AuditVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        if (verification.Intact)
        {
            var anchors = verification.AnchorsTrusted
                ? string.Create(CultureInfo.InvariantCulture, $", {verification.AnchorsChecked} signed anchors checked")
                : " (anchors not checked: no public key configured)";
            return (Severity.Success, $"The chain of {verification.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows is intact{anchors}.");
        }

        // As the API's verdict words it: old rows without an anchor are not proven, which is not evidence of tampering (a
        // warning); a problem that is no row's (an unreadable journal) leaves the log unverified, with no row to name.
        var seq = verification.FirstBrokenSeq;
        if (verification.Unanchored)
        {
            return (Severity.Warning, seq is null
                ? $"Not proven: {verification.Problem}"
                : string.Create(CultureInfo.InvariantCulture, $"Not proven from row {seq}: {verification.Problem}"));
        }

        return (Severity.Error, seq is null
            ? $"Not verified: {verification.Problem}"
            : string.Create(CultureInfo.InvariantCulture, $"Broken at row {seq}: {verification.Problem}"));
    }
}
