using MudBlazor;

using Telematics.Dashboard.Api;
using Telematics.Dashboard.Shared;

namespace Telematics.Dashboard.Tests.Shared;

/// <summary>The audit page's headline says what the API's verification found, no more alarming than that.</summary>
public sealed class AuditHeadlineTests
{
    [Fact]
    public void An_intact_chain_is_a_success()
    {
        var (severity, text) = AuditHeadline.Of(new AuditVerification(true, 1200, "ab", true, 3, null, null, "audit log intact"));

        Assert.Equal(Severity.Success, severity);
        Assert.Equal("The chain of 1,200 rows is intact, 3 signed anchors checked.", text);
    }

    [Fact]
    public void Old_rows_without_an_anchor_are_a_warning_that_they_are_not_proven_not_a_broken_chain()
    {
        var (severity, text) = AuditHeadline.Of(new AuditVerification(
            false, 1200, "ab", true, 0, 1, "rows older than 1.00:00:00 have no anchor", "audit log NOT PROVEN from row 1: …", Unanchored: true));

        Assert.Equal(Severity.Warning, severity);
        Assert.DoesNotContain("Broken", text, StringComparison.Ordinal);
        Assert.Equal("Not proven from row 1: rows older than 1.00:00:00 have no anchor", text);
    }

    [Fact]
    public void A_problem_that_is_no_rows_says_the_log_was_not_verified_without_an_empty_row_number()
    {
        var (severity, text) = AuditHeadline.Of(new AuditVerification(
            false, 1200, "ab", true, 2, null, "the anchor journal cannot be read", "audit log NOT VERIFIED: …"));

        Assert.Equal(Severity.Error, severity);
        Assert.Equal("Not verified: the anchor journal cannot be read", text);
    }

    [Fact]
    public void A_row_that_does_not_check_out_is_a_broken_chain()
    {
        var (severity, text) = AuditHeadline.Of(new AuditVerification(false, 1200, "ab", true, 2, 17, "row hash mismatch", "audit log BROKEN at row 17: …"));

        Assert.Equal(Severity.Error, severity);
        Assert.Equal("Broken at row 17: row hash mismatch", text);
    }
}
