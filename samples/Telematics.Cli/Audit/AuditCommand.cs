using System.CommandLine;

using Telematics.Cli.Partitions;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Cli.Audit;

/// <summary><c>telematics audit verify</c>: recompute the audit hash chain and check its signed anchors.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Work with the tamper-evident audit log.");
        command.Options.Add(StorageCommandContext.Connection);
        command.Subcommands.Add(Verify());
        return command;
    }

    private static Command Verify()
    {
        var key = new Option<FileInfo?>("--key")
        {
            Description = "PEM file with the anchor key (public key is enough). Without it, anchors are not checked and the output says so.",
        };
        var command = new Command("verify", "Recompute the hash chain, check the anchors, and name the first broken row or report the log intact (exit 1 when broken).");
        command.Options.Add(key);
        command.SetAction((parse, cancellationToken) =>
        {
            IAuditSigningKeyProvider? provider = null;
            if (parse.GetValue(key) is { } file)
            {
                try
                {
                    provider = PemAuditSigningKeyProvider.FromFile(file.FullName);
                }
                catch (Exception failure) when (failure is IOException or ArgumentException or UnauthorizedAccessException)
                {
                    parse.InvocationConfiguration.Error.WriteLine($"--key {file.FullName}: {failure.Message}");
                    return Task.FromResult(ExitCodes.InputError);
                }
            }

            return StorageCommandContext.RunAsync(parse, async (dataSource, output, ct) =>
            {
                var verdict = await new AuditLog(dataSource, TimeProvider.System).VerifyAsync(provider, ct).ConfigureAwait(false);
                await output.WriteLineAsync(verdict.ToString()).ConfigureAwait(false);
                if (provider is null)
                {
                    await output.WriteLineAsync("anchors not checked: no --key given").ConfigureAwait(false);
                }

                return verdict.IsIntact ? ExitCodes.Success : ExitCodes.PartialFailure;
            }, cancellationToken);
        });
        return command;
    }
}
