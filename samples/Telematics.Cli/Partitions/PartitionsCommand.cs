using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Storage.Postgres;
using Telematics.Storage.Postgres.Partitions;

namespace Telematics.Cli.Partitions;

/// <summary><c>telematics partitions create|list|drop|archive|restore|maintain</c>: monthly partitions of telematics_events.</summary>
internal static class PartitionsCommand
{
    public static Command Create()
    {
        var command = new Command("partitions", "Manage the monthly partitions of telematics_events.");
        command.Options.Add(StorageCommandContext.Connection);
        command.Subcommands.Add(List());
        command.Subcommands.Add(CreateMonths());
        command.Subcommands.Add(Drop());
        command.Subcommands.Add(Archive());
        command.Subcommands.Add(Restore());
        command.Subcommands.Add(Maintain());
        return command;
    }

    private static Argument<string[]> Months(string description) => new("month")
    {
        Description = description + " Months are written YYYY-MM (UTC).",
        Arity = ArgumentArity.OneOrMore,
    };

    private static Command List()
    {
        var command = new Command("list", "List partitions with their range, exact row count and size.");
        command.SetAction((parse, cancellationToken) => StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
        {
            var partitions = await services.GetRequiredService<PartitionManager>().ListAsync(ct).ConfigureAwait(false);
            await output.WriteLineAsync($"{"partition",-28} {"range",-26} {"rows",12} {"size",10}").ConfigureAwait(false);
            foreach (var partition in partitions)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{partition.Name,-28} {partition.RangeText,-26} {partition.Rows,12:N0} {FormatSize(partition.SizeBytes),10}")).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command CreateMonths()
    {
        var months = Months("Months to create.");
        var command = new Command("create", "Create the partitions of the given months (rows already in DEFAULT for them are moved in).");
        command.Arguments.Add(months);
        command.Options.Add(StorageCommandContext.DryRun);
        command.SetAction((parse, cancellationToken) => WithMonthsAsync(parse, months, async (manager, month, dryRun, output, ct) =>
        {
            if (dryRun)
            {
                await output.WriteLineAsync($"would create {month.PartitionName} [{month.Start:yyyy-MM-dd}, {month.End:yyyy-MM-dd})").ConfigureAwait(false);
                return;
            }

            var moved = await manager.CreateAsync(month, StorageCommandContext.Actor, ct).ConfigureAwait(false);
            await output.WriteLineAsync(moved < 0
                ? $"{month.PartitionName} exists already"
                : $"created {month.PartitionName} [{month.Start:yyyy-MM-dd}, {month.End:yyyy-MM-dd}), {moved} rows moved from DEFAULT").ConfigureAwait(false);
        }, cancellationToken));
        return command;
    }

    private static Command Drop()
    {
        var months = Months("Months to drop, deleting their events.");
        var command = new Command("drop", "Detach and drop the partitions of the given months (audited). Archive first if the rows matter.");
        command.Arguments.Add(months);
        command.Options.Add(StorageCommandContext.DryRun);
        command.SetAction((parse, cancellationToken) => WithMonthsAsync(parse, months, async (manager, month, dryRun, output, ct) =>
        {
            if (dryRun)
            {
                await output.WriteLineAsync($"would drop {month.PartitionName}").ConfigureAwait(false);
                return;
            }

            var rows = await manager.DropAsync(month, StorageCommandContext.Actor, ct).ConfigureAwait(false);
            await output.WriteLineAsync(rows < 0 ? $"{month.PartitionName} does not exist" : $"dropped {month.PartitionName} ({rows} rows)").ConfigureAwait(false);
        }, cancellationToken));
        return command;
    }

    private static Command Archive()
    {
        var months = Months("Months to archive.");
        var folder = new Option<DirectoryInfo>("--to") { Description = "Folder for the .csv.gz files.", Required = true };
        var command = new Command("archive", "Write each month to a gzip CSV, read it back and compare its rows with the partition's, record row count, file SHA-256 and content hash, then drop it (audited).");
        command.Arguments.Add(months);
        command.Options.Add(folder);
        command.Options.Add(StorageCommandContext.DryRun);
        command.SetAction((parse, cancellationToken) => WithMonthsAsync(parse, months, async (manager, month, dryRun, output, ct) =>
        {
            var directory = parse.GetValue(folder)!.FullName;
            if (dryRun)
            {
                await output.WriteLineAsync($"would archive {month.PartitionName} to {directory} and drop it").ConfigureAwait(false);
                return;
            }

            var archive = await manager.ArchiveAsync(month, directory, StorageCommandContext.Actor, ct).ConfigureAwait(false);
            await output.WriteLineAsync(archive is null
                ? $"{month.PartitionName} does not exist"
                : $"archived {month.PartitionName}: {archive.Rows} rows to {archive.FilePath} sha256 {Convert.ToHexStringLower(archive.Sha256.Span)} content {Convert.ToHexStringLower(archive.ContentSha256.Span)}; partition dropped").ConfigureAwait(false);
        }, cancellationToken));
        return command;
    }

    private static Command Restore()
    {
        var month = new Argument<string>("month") { Description = "The month the archive holds, YYYY-MM (UTC)." };
        var file = new Option<FileInfo>("--file") { Description = "The .csv.gz archive written by 'partitions archive'.", Required = true };
        var command = new Command(
            "restore",
            "Check an archive against its record (file SHA-256, row count, content hash, month) and load it back in one transaction (audited); a file that differs is refused and nothing is loaded.");
        command.Arguments.Add(month);
        command.Options.Add(file);
        command.Options.Add(StorageCommandContext.DryRun);
        command.SetAction((parse, cancellationToken) =>
        {
            var text = parse.GetValue(month);
            if (!PartitionMonth.TryParse(text, out var parsed))
            {
                parse.InvocationConfiguration.Error.WriteLine(
                    $"month '{text}' is not a month: write it as YYYY-MM between {PartitionMonth.MinYear} and {PartitionMonth.MaxYear}, e.g. 2026-03.");
                return Task.FromResult(ExitCodes.Usage);
            }

            var path = parse.GetValue(file)!.FullName;
            return StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
            {
                var manager = services.GetRequiredService<PartitionManager>();
                if (parse.GetValue(StorageCommandContext.DryRun))
                {
                    var differences = await manager.VerifyArchiveAsync(path, parsed, ct).ConfigureAwait(false);
                    if (differences.Count > 0)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"{path} would be refused: {string.Join("; ", differences)}").ConfigureAwait(false);
                        return ExitCodes.InputError;
                    }

                    await output.WriteLineAsync($"{path} matches its record; would restore it into {parsed.PartitionName}").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var rows = await manager.RestoreAsync(path, parsed, StorageCommandContext.Actor, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"restored {rows} rows into {parsed.PartitionName} from {path}").ConfigureAwait(false);
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    // Out of range (or not a number) becomes a value Validate refuses by name, rather than an overflow here.
    private static TimeSpan LedgerRetention(double days) =>
        double.IsFinite(days) && days is > 0 and <= 3650 ? TimeSpan.FromDays(days) : TimeSpan.Zero;

    private static Command Maintain()
    {
        var premake = new Option<int>("--premake") { Description = "Months to keep created ahead of the current one.", DefaultValueFactory = _ => 3 };
        var retention = new Option<int>("--retention") { Description = "Months of events kept, counting the current one.", DefaultValueFactory = _ => 25 };
        var archiveTo = new Option<DirectoryInfo?>("--archive-to") { Description = "Archive expired months (and expired DEFAULT rows) here before dropping them (default: drop without archive)." };
        var keepTable = new Option<bool>("--keep-table") { Description = "Detach expired months and keep them as plain tables instead of dropping them." };
        var ledgerDays = new Option<double>("--batch-ledger-days")
        {
            Description = "Days the record of a stored streamed batch is kept (at least the event stream's MaxAge, 7 days by default).",
            DefaultValueFactory = _ => new TelematicsPostgresOptions().BatchLedgerRetention.TotalDays,
        };
        var command = new Command("maintain", "Create partitions ahead, move DEFAULT rows into their months, archive, detach or drop months and DEFAULT rows past retention, report DEFAULT rows beyond the premake horizon, and delete stored-batch records past their retention.");
        command.Options.Add(premake);
        command.Options.Add(retention);
        command.Options.Add(archiveTo);
        command.Options.Add(keepTable);
        command.Options.Add(ledgerDays);
        command.Options.Add(StorageCommandContext.DryRun);
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new TelematicsPostgresOptions
            {
                PremakeMonths = parse.GetValue(premake),
                RetentionMonths = parse.GetValue(retention),
                ArchiveDirectory = parse.GetValue(archiveTo)?.FullName,
                RetentionKeepTable = parse.GetValue(keepTable),
                BatchLedgerRetention = LedgerRetention(parse.GetValue(ledgerDays)),
            };
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                parse.InvocationConfiguration.Error.WriteLine(string.Join(Environment.NewLine, problems));
                return Task.FromResult(ExitCodes.Usage);
            }

            return StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
            {
                var dryRun = parse.GetValue(StorageCommandContext.DryRun);
                var report = await services.GetRequiredService<PartitionManager>().MaintainAsync(StorageCommandContext.Actor, dryRun, ct).ConfigureAwait(false);
                var verb = dryRun ? "would " : string.Empty;
                await output.WriteLineAsync($"{verb}create: {Join(report.Created)}").ConfigureAwait(false);
                await output.WriteLineAsync($"{verb}move from DEFAULT: {report.MovedFromDefault} rows").ConfigureAwait(false);
                await output.WriteLineAsync($"{verb}archive and drop: {Join(report.Archived)}").ConfigureAwait(false);
                await output.WriteLineAsync($"{verb}drop without archive: {Join(report.Dropped)}").ConfigureAwait(false);
                await output.WriteLineAsync($"{verb}detach and keep: {Join(report.Detached)}").ConfigureAwait(false);
                await output.WriteLineAsync(
                    $"{verb}remove expired DEFAULT rows: {report.ExpiredFromDefault}{(report.DefaultArchive is { } archived ? " archived to " + archived.FilePath : string.Empty)}").ConfigureAwait(false);
                await output.WriteLineAsync(
                    $"DEFAULT rows beyond the premake horizon (kept in DEFAULT, check device clocks): {report.BeyondHorizonInDefault}").ConfigureAwait(false);
                await output.WriteLineAsync($"{verb}delete stored-batch records past retention: {report.PrunedBatchRecords}").ConfigureAwait(false);
                if (report.UnrecordedArchives.Count > 0)
                {
                    // A killed archive run's published files: complete, but holding raw locations no record points to.
                    await output.WriteLineAsync(
                        $"archive files with no record in partition_archives (left by a killed run; listed for review by erasures): {string.Join(", ", report.UnrecordedArchives)}").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }, cancellationToken, postgres: configured =>
            {
                configured.PremakeMonths = options.PremakeMonths;
                configured.RetentionMonths = options.RetentionMonths;
                configured.ArchiveDirectory = options.ArchiveDirectory;
                configured.RetentionKeepTable = options.RetentionKeepTable;
                configured.BatchLedgerRetention = options.BatchLedgerRetention;
            });
        });
        return command;
    }

    private static Task<int> WithMonthsAsync(
        ParseResult parse,
        Argument<string[]> argument,
        Func<PartitionManager, PartitionMonth, bool, TextWriter, CancellationToken, Task> each,
        CancellationToken cancellationToken)
    {
        var months = new List<PartitionMonth>();
        foreach (var text in parse.GetValue(argument) ?? [])
        {
            if (!PartitionMonth.TryParse(text, out var month))
            {
                parse.InvocationConfiguration.Error.WriteLine(
                    $"month '{text}' is not a month: write it as YYYY-MM between {PartitionMonth.MinYear} and {PartitionMonth.MaxYear}, e.g. 2026-03.");
                return Task.FromResult(ExitCodes.Usage);
            }

            months.Add(month);
        }

        return StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
        {
            var manager = services.GetRequiredService<PartitionManager>();
            var dryRun = parse.GetValue(StorageCommandContext.DryRun);
            foreach (var month in months)
            {
                await each(manager, month, dryRun, output, ct).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        }, cancellationToken);
    }

    private static string Join(IReadOnlyList<PartitionMonth> months) => months.Count == 0 ? "none" : string.Join(", ", months);

    private static string FormatSize(long bytes) => bytes switch
    {
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} kB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):F2} GB"),
    };
}
