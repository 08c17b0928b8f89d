using Telematics.Storage.Postgres.Audit;

namespace Telematics.Storage.Postgres.Partitions;

public sealed partial class PartitionManager
{
    /// <summary>
    /// The retention routine: creates partitions from the current UTC month to <see cref="TelematicsPostgresOptions.PremakeMonths"/>
    /// ahead, moves DEFAULT rows into their months, and archives (when an archive folder is configured) or drops every
    /// partition older than <see cref="TelematicsPostgresOptions.RetentionMonths"/>.
    /// </summary>
    /// <param name="actor">Who asks.</param>
    /// <param name="dryRun">When <see langword="true"/>, reports what would be done and changes nothing.</param>
    /// <param name="cancellationToken">Cancels between steps; finished steps stay done.</param>
    /// <returns>What was (or would be) done.</returns>
    public async Task<MaintenanceReport> MaintainAsync(AuditActor actor, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var current = PartitionMonth.From(_timeProvider.GetUtcNow());
        var oldestKept = current.AddMonths(-(_options.RetentionMonths - 1));
        var existing = new HashSet<PartitionMonth>();
        foreach (var name in await ReadPartitionNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (PartitionMonth.TryParseName(name, out var month))
            {
                existing.Add(month);
            }
        }

        var created = new List<PartitionMonth>();
        long moved = 0;
        foreach (var (month, rows) in await ReadDefaultMonthsAsync(cancellationToken).ConfigureAwait(false))
        {
            created.Add(month);
            moved += rows;
        }

        for (var month = current; month <= current.AddMonths(_options.PremakeMonths); month = month.AddMonths(1))
        {
            if (!existing.Contains(month) && !created.Contains(month))
            {
                created.Add(month);
            }
        }

        var expired = new List<PartitionMonth>();
        foreach (var month in existing)
        {
            if (month < oldestKept)
            {
                expired.Add(month);
            }
        }

        expired.Sort();
        created.Sort();
        var archive = _options.ArchiveDirectory is not null;
        if (!dryRun)
        {
            foreach (var month in created)
            {
                await CreateAsync(month, actor, cancellationToken).ConfigureAwait(false);
            }

            foreach (var month in expired)
            {
                if (archive)
                {
                    await ArchiveAsync(month, _options.ArchiveDirectory!, actor, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await DropAsync(month, actor, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return new MaintenanceReport(created, moved, archive ? expired : [], archive ? [] : expired, dryRun);
    }
}
