using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

using Telematics.Cli.Partitions;
using Telematics.Storage.Postgres.Migrations;

namespace Telematics.Cli.Migrate;

/// <summary><c>telematics migrate</c>: apply the storage schema to an empty or older database.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply the storage schema migrations. Idempotent, and safe to run from several processes at once (advisory lock).");
        command.Options.Add(StorageCommandContext.Connection);
        command.SetAction((parse, cancellationToken) => StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
        {
            IReadOnlyList<int> applied;
            try
            {
                applied = await services.GetRequiredService<MigrationRunner>().ApplyAsync(ct).ConfigureAwait(false);
            }
            catch (MigrationException failure)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"migration {failure.MigrationName}: {failure.Message}").ConfigureAwait(false);
                return ExitCodes.DatabaseError;
            }

            var total = MigrationRunner.Embedded.Count;
            await output.WriteLineAsync(applied.Count == 0
                ? $"schema is current ({total} migrations)"
                : $"applied {applied.Count} of {total} migrations: {string.Join(", ", applied)}").ConfigureAwait(false);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
