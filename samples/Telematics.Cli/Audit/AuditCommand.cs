using System.CommandLine;
using System.Diagnostics.CodeAnalysis;

using Telematics.Cli.Partitions;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Cli.Audit;

/// <summary><c>telematics audit verify|anchor</c>: check the audit hash chain and its signed anchors, or sign a new anchor.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Work with the tamper-evident audit log.");
        command.Options.Add(StorageCommandContext.Connection);
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Anchor());
        return command;
    }

    /// <summary>
    /// <c>telematics audit anchor --key PEM</c>: verifies the chain and signs its head with a key the database
    /// does not hold; run it on a schedule (cron) so that a rewrite of the log is caught by the next verify.
    /// </summary>
    private static Command Anchor()
    {
        var key = new Option<FileInfo>("--key")
        {
            Description = "PEM file with the ECDSA P-256 private key that signs anchors (PKCS#8). Keep it outside the database.",
            Required = true,
        };
        var command = new Command("anchor", "Verify the audit chain and sign its head as a new anchor (exit 1 when the chain is broken: a broken chain is never signed).");
        command.Options.Add(key);
        command.SetAction((parse, cancellationToken) =>
        {
            if (!TryLoadKey(parse, parse.GetValue(key)!, out var provider))
            {
                return Task.FromResult(ExitCodes.InputError);
            }

            return StorageCommandContext.RunAsync(parse, async (dataSource, output, ct) =>
            {
                try
                {
                    var anchor = await new AuditLog(dataSource, TimeProvider.System).AnchorAsync(provider, ct).ConfigureAwait(false);
                    await output.WriteLineAsync(anchor is null
                        ? "audit log is empty: nothing to sign"
                        : $"anchored row {anchor.Seq}, head {Convert.ToHexStringLower(anchor.HeadHash.Span)}, key {anchor.KeyId}, signed {anchor.SignedAt:O}").ConfigureAwait(false);
                    return ExitCodes.Success;
                }
                catch (InvalidOperationException broken)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(broken.Message).ConfigureAwait(false);
                    return ExitCodes.PartialFailure;
                }
            }, cancellationToken);
        });
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
            if (parse.GetValue(key) is { } file && !TryLoadKey(parse, file, out provider))
            {
                return Task.FromResult(ExitCodes.InputError);
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

    /// <summary>Loads an anchor key from a PEM file, or writes why it cannot to stderr.</summary>
    private static bool TryLoadKey(ParseResult parse, FileInfo file, [NotNullWhen(true)] out IAuditSigningKeyProvider? provider)
    {
        try
        {
            provider = PemAuditSigningKeyProvider.FromFile(file.FullName);
            return true;
        }
        catch (Exception failure) when (failure is IOException or ArgumentException or UnauthorizedAccessException)
        {
            parse.InvocationConfiguration.Error.WriteLine($"--key {file.FullName}: {failure.Message}");
            provider = null;
            return false;
        }
    }
}
