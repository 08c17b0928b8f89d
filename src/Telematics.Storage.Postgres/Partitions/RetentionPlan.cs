namespace Telematics.Storage.Postgres.Partitions;

/// <summary>
/// Which month partitions one run of the retention routine creates and which it expires, decided from the partitions
/// that exist and the months DEFAULT holds rows of; no database work.
/// </summary>
/// <param name="OldestKept">The first month retention keeps.</param>
/// <param name="Created">
/// Months to create, in order: those with DEFAULT rows within retention and the horizon (their rows move), and every
/// month from the current one to the horizon that has no partition.
/// </param>
/// <param name="MovedFromDefault">DEFAULT rows that creating <paramref name="Created"/> moves into their months.</param>
/// <param name="Expired">Existing month partitions older than <paramref name="OldestKept"/>, in order.</param>
internal sealed record RetentionPlan(PartitionMonth OldestKept, List<PartitionMonth> Created, long MovedFromDefault, List<PartitionMonth> Expired)
{
    /// <summary>Plans a run.</summary>
    /// <param name="current">The current UTC month.</param>
    /// <param name="retentionMonths">Months kept, the current one included.</param>
    /// <param name="horizon">The last month that gets a partition ahead of time.</param>
    /// <param name="partitionNames">Names of the partitions attached now; names that are not a month's are passed over.</param>
    /// <param name="defaultMonths">Months that have rows in DEFAULT, with their row counts.</param>
    /// <returns>The plan.</returns>
    public static RetentionPlan Make(
        PartitionMonth current, int retentionMonths, PartitionMonth horizon, IEnumerable<string> partitionNames, IEnumerable<(PartitionMonth Month, long Rows)> defaultMonths)
    {
        var oldestKept = current.AddMonths(-(retentionMonths - 1));
        var existing = new HashSet<PartitionMonth>();
        foreach (var name in partitionNames)
        {
            if (PartitionMonth.TryParseName(name, out var month))
            {
                existing.Add(month);
            }
        }

        var created = new List<PartitionMonth>();
        long moved = 0;
        foreach (var (month, rows) in defaultMonths)
        {
            if (month >= oldestKept && month <= horizon)
            {
                created.Add(month);
                moved += rows;
            }
        }

        for (var month = current; month <= horizon; month = month.AddMonths(1))
        {
            if (!existing.Contains(month) && !created.Contains(month))
            {
                created.Add(month);
            }
        }

        var expired = existing.Where(m => m < oldestKept).ToList();
        expired.Sort();
        created.Sort();
        return new RetentionPlan(oldestKept, created, moved, expired);
    }
}
