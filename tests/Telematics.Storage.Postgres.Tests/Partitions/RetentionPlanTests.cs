using Telematics.Storage.Postgres.Partitions;

namespace Telematics.Storage.Postgres.Tests.Partitions;

/// <summary>The retention routine's plan on its own, without a database: which months it creates, moves and expires.</summary>
public sealed class RetentionPlanTests
{
    [Fact]
    public void Creates_missing_months_to_the_horizon_and_DEFAULT_months_within_retention_and_expires_what_is_older()
    {
        var current = new PartitionMonth(2026, 6);
        var horizon = new PartitionMonth(2026, 8);
        string[] names =
        [
            new PartitionMonth(2026, 6).PartitionName,
            new PartitionMonth(2026, 2).PartitionName,
            new PartitionMonth(2025, 12).PartitionName,
            new PartitionMonth(2026, 4).PartitionName,
            PartitionMonth.DefaultPartitionName,
            "telematics_events_someone_elses",
        ];
        (PartitionMonth, long)[] inDefault = [(new(2026, 3), 11), (new(2026, 5), 7), (new(2026, 7), 2), (new(2026, 9), 5)];

        var plan = RetentionPlan.Make(current, retentionMonths: 3, horizon, names, inDefault);

        Assert.Equal(new PartitionMonth(2026, 4), plan.OldestKept);
        Assert.Equal(new PartitionMonth[] { new(2026, 5), new(2026, 7), new(2026, 8) }, plan.Created);
        Assert.Equal(9, plan.MovedFromDefault);
        Assert.Equal(new PartitionMonth[] { new(2025, 12), new(2026, 2) }, plan.Expired);
    }
}
