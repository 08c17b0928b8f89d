using Telematics.Scoring.Results;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Dashboard;
using Telematics.Storage.Postgres.Partitions;

namespace Telematics.Api.Endpoints;

/// <summary>The answer of <c>GET /admin/dashboard/summary</c>.</summary>
/// <param name="From">First UTC day of the period.</param>
/// <param name="To">Last UTC day of the period (included).</param>
/// <param name="Drivers">Drivers registered now.</param>
/// <param name="Trips">Trips started in the period.</param>
/// <param name="DistanceKm">Kilometres of those trips.</param>
/// <param name="ScoredDrivers">Drivers with a score in the period.</param>
/// <param name="MeanScore">Mean of each scored driver's latest score in the period; null when none was scored.</param>
/// <param name="Premiums">Per currency, the sum of each driver's latest premium in the period.</param>
internal sealed record DashboardSummaryResponse(
    DateOnly From, DateOnly To, long Drivers, long Trips, double DistanceKm, long ScoredDrivers, double? MeanScore, IReadOnlyList<PremiumTotalResponse> Premiums)
{
    public static DashboardSummaryResponse Create(DayPeriod period, DashboardSummary summary) =>
        new(period.From, period.To, summary.Drivers, summary.Trips, summary.DistanceKm, summary.ScoredDrivers, summary.MeanScore,
            [.. summary.Premiums.Select(p => new PremiumTotalResponse(p.Currency, p.Drivers, p.Total))]);
}

/// <summary>Premiums of one currency.</summary>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Drivers">Drivers whose latest premium in the period is in this currency.</param>
/// <param name="Total">Sum of those premiums.</param>
internal sealed record PremiumTotalResponse(string Currency, long Drivers, decimal Total);

/// <summary>The answer of <c>GET /admin/dashboard/risk-distribution</c>.</summary>
/// <param name="From">First UTC day of the period.</param>
/// <param name="To">Last UTC day of the period (included).</param>
/// <param name="ScoredDrivers">Drivers with a score in the period.</param>
/// <param name="Histogram">Ten buckets of ten points: [0, 10), [10, 20) … [90, 100].</param>
/// <param name="Categories">Drivers per risk category.</param>
internal sealed record RiskDistributionResponse(DateOnly From, DateOnly To, long ScoredDrivers, IReadOnlyList<HistogramBucket> Histogram, CategoryCounts Categories)
{
    public static RiskDistributionResponse Create(DayPeriod period, RiskDistribution distribution)
    {
        var buckets = new HistogramBucket[distribution.Histogram.Count];
        for (var i = 0; i < buckets.Length; i++)
        {
            var low = i * DashboardQueries.HistogramBucketWidth;
            buckets[i] = new HistogramBucket(low, low + DashboardQueries.HistogramBucketWidth, distribution.Histogram[i]);
        }

        return new RiskDistributionResponse(period.From, period.To, distribution.ScoredDrivers, buckets, CategoryCounts.From(distribution.CategoryCounts));
    }
}

/// <summary>One histogram bucket: scores in [<paramref name="From"/>, <paramref name="To"/>) (the last includes 100).</summary>
/// <param name="From">Lowest score of the bucket.</param>
/// <param name="To">Upper bound of the bucket.</param>
/// <param name="Drivers">Drivers whose latest score falls in it.</param>
internal sealed record HistogramBucket(int From, int To, long Drivers);

/// <summary>The answer of <c>GET /admin/dashboard/trip-activity</c>.</summary>
/// <param name="From">First UTC day of the period.</param>
/// <param name="To">Last UTC day of the period (included).</param>
/// <param name="Days">One entry per day, oldest first.</param>
internal sealed record TripActivityResponse(DateOnly From, DateOnly To, IReadOnlyList<TripActivityDay> Days);

/// <summary>One page of <c>GET /admin/audit</c>.</summary>
/// <param name="PageSize">The most rows a page holds.</param>
/// <param name="After">The cursor this page was read after (the request's <c>after</c>); null for the first page.</param>
/// <param name="NextAfter">The <c>after</c> of the next page (the seq of this page's last row); null when no row follows.</param>
/// <param name="Items">The rows, newest first.</param>
internal sealed record AuditPage(int PageSize, long? After, long? NextAfter, IReadOnlyList<AuditEntryResponse> Items);

/// <summary>One audit row.</summary>
/// <param name="Seq">Position in the hash chain.</param>
/// <param name="OccurredAt">When (UTC).</param>
/// <param name="Actor">Who, e.g. <c>api:alice</c>.</param>
/// <param name="Action">What, e.g. <c>experiment.put</c>.</param>
/// <param name="Resource">On what, e.g. <c>experiment/risk-2026q4</c>.</param>
/// <param name="Before">State before, as JSON text, or null.</param>
/// <param name="After">State after, as JSON text, or null.</param>
/// <param name="Ip">Client address, or null.</param>
/// <param name="RedactedAt">When a driver's erasure removed Before and After (the chain keeps their digests), or null.</param>
internal sealed record AuditEntryResponse(long Seq, DateTimeOffset OccurredAt, string Actor, string Action, string Resource, string? Before, string? After, string? Ip, DateTimeOffset? RedactedAt)
{
    public static AuditEntryResponse From(AuditEntry entry) =>
        new(entry.Seq, entry.OccurredAt, entry.Actor, entry.Action, entry.Resource, entry.BeforeJson, entry.AfterJson, entry.Ip?.ToString(), entry.RedactedAt);
}

/// <summary>The answer of <c>POST /admin/audit/verify</c>.</summary>
/// <param name="Intact">Whether every row hash, the chain head, every anchor and the journal check out, and no old row is unanchored.</param>
/// <param name="Rows">Rows read.</param>
/// <param name="HeadHash">Recomputed hash of the last row read, hex.</param>
/// <param name="AnchorsTrusted">Whether a verification key was configured, so the anchors' signatures were checked (their head hashes always are).</param>
/// <param name="AnchorsChecked">Anchors whose head (and, when trusted, signature) was checked.</param>
/// <param name="AnchoredThroughSeq">The row the newest checked anchor covers the log through; 0 when none.</param>
/// <param name="JournalAnchorsChecked">Anchors of the journal outside the database found unchanged in the database; 0 without a journal.</param>
/// <param name="Unanchored">Whether the log is not intact only because rows older than <c>Audit:MaxUnanchoredAge</c> have no anchor.</param>
/// <param name="FirstBrokenSeq">The first row that does not check out; null when intact.</param>
/// <param name="Problem">What is wrong there; null when intact.</param>
/// <param name="Verdict">The verdict in one line.</param>
internal sealed record AuditVerificationResponse(
    bool Intact,
    long Rows,
    string HeadHash,
    bool AnchorsTrusted,
    int AnchorsChecked,
    long AnchoredThroughSeq,
    int JournalAnchorsChecked,
    bool Unanchored,
    long? FirstBrokenSeq,
    string? Problem,
    string Verdict)
{
    public static AuditVerificationResponse From(AuditVerification verdict, bool anchorsTrusted) =>
        new(verdict.IsIntact, verdict.Length, Convert.ToHexStringLower(verdict.HeadHash.Span), anchorsTrusted, verdict.AnchorsChecked,
            verdict.AnchoredThroughSeq, verdict.JournalAnchorsChecked, verdict.IsUnanchored, verdict.FirstBrokenSeq, verdict.Problem, verdict.ToString());
}

/// <summary>One partition of the events table.</summary>
/// <param name="Name">Table name.</param>
/// <param name="Range">The range, e.g. <c>[2026-03-01, 2026-04-01)</c>, or <c>DEFAULT</c>.</param>
/// <param name="Rows">Exact row count.</param>
/// <param name="SizeBytes">Size on disk including indexes, bytes.</param>
internal sealed record PartitionResponse(string Name, string Range, long Rows, long SizeBytes)
{
    public static PartitionResponse From(PartitionInfo partition) => new(partition.Name, partition.RangeText, partition.Rows, partition.SizeBytes);
}

/// <summary>The answer of <c>GET /admin/dashboard/drivers</c>.</summary>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">The most drivers a page holds.</param>
/// <param name="Total">Drivers matching the name filter.</param>
/// <param name="Items">The page, in the order asked.</param>
internal sealed record BookDriverPageResponse(int Page, int PageSize, long Total, IReadOnlyList<BookDriverResponse> Items)
{
    public static BookDriverPageResponse From(int page, int pageSize, BookDriverPage result)
    {
        var items = new BookDriverResponse[result.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var d = result.Items[i];
            items[i] = new BookDriverResponse(
                d.DriverId, d.DisplayName, d.ExternalRef, d.Score, d.Category?.ToWireName(), d.Premium, d.Currency, d.LastTripAt, d.Region, d.AgeBand, d.VehicleClass,
                ScoreIntervalResponse.From(d.Interval));
        }

        return new BookDriverPageResponse(page, pageSize, result.Total, items);
    }
}

/// <summary>One driver of the book.</summary>
/// <param name="DriverId">The driver.</param>
/// <param name="DisplayName">Its display name.</param>
/// <param name="ExternalRef">The insurer's reference.</param>
/// <param name="Score">The latest score, or null before the first.</param>
/// <param name="Category">Its category (excellent … high), or null.</param>
/// <param name="Premium">The latest premium's amount, or null.</param>
/// <param name="Currency">Its currency, or null.</param>
/// <param name="LastTripAt">When the latest trip started (UTC), or null.</param>
/// <param name="Region">The pricing region code, or null when not on record (the plan's default base rate).</param>
/// <param name="AgeBand">The age band code (under25, 25_39, 40_64, over65), or null when not on record.</param>
/// <param name="VehicleClass">The vehicle class code (small, family, suv, performance), or null when not on record.</param>
/// <param name="Interval">
/// The latest score's interval as every score response carries it (when not settled the category is provisional); null
/// without a score or when its model records no sampling noise.
/// </param>
internal sealed record BookDriverResponse(
    long DriverId, string DisplayName, string ExternalRef, double? Score, string? Category, decimal? Premium, string? Currency, DateTimeOffset? LastTripAt,
    string? Region, string? AgeBand, string? VehicleClass, ScoreIntervalResponse? Interval);
