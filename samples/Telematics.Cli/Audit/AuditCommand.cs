using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

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
        var journal = JournalOption();
        var command = new Command("anchor", "Verify the audit chain and sign its head as a new anchor (exit 1 when the chain is broken: a broken chain is never signed).");
        command.Options.Add(key);
        command.Options.Add(journal);
        command.SetAction((parse, cancellationToken) =>
        {
            if (!TryLoadKey(parse, parse.GetValue(key)!, out var provider))
            {
                return Task.FromResult(ExitCodes.InputError);
            }

            return StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
            {
                try
                {
                    var anchor = await services.GetRequiredService<AuditLog>().AnchorAsync(provider, Journal(parse, journal), ct).ConfigureAwait(false);
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
                catch (Exception unwritable) when (unwritable is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    // The anchor is in the database; the journal copy is what failed.
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"anchored in the database, but --journal failed: {unwritable.Message}").ConfigureAwait(false);
                    return ExitCodes.InputError;
                }
            }, cancellationToken);
        });
        return command;
    }

    private static Command Verify()
    {
        var key = new Option<FileInfo?>("--key")
        {
            Description = "PEM file with the anchor key (public key is enough). Without it, anchors' head hashes are compared but their signatures are not checked, and the output says so.",
        };
        var previous = new Option<FileInfo[]>("--previous-key")
        {
            Description = "PEM file of an earlier anchor key (public key is enough), repeatable: anchors it signed are checked too. Anchors of keys not given are reported as unverifiable, not as a break.",
        };
        var journal = JournalOption();
        var maxAge = new Option<TimeSpan?>("--max-unanchored-age")
        {
            Description = "Refuse to call the log intact when rows older than this (e.g. 2h, 90m, 1d) are not covered by an anchor.",
            CustomParser = ParseAge,
        };
        var command = new Command("verify", "Recompute the hash chain and chain head, check the anchors (and the journal), and name the first broken row or report the log intact (exit 1 when not intact).");
        command.Options.Add(key);
        command.Options.Add(previous);
        command.Options.Add(journal);
        command.Options.Add(maxAge);
        command.SetAction((parse, cancellationToken) =>
        {
            IAuditSigningKeyProvider? provider = null;
            if (parse.GetValue(key) is { } file && !TryLoadKey(parse, file, out provider))
            {
                return Task.FromResult(ExitCodes.InputError);
            }

            var previousKeys = new List<IAuditSigningKeyProvider>();
            foreach (var earlier in parse.GetValue(previous) ?? [])
            {
                if (!TryLoadKey(parse, earlier, out var loaded))
                {
                    return Task.FromResult(ExitCodes.InputError);
                }

                previousKeys.Add(loaded!);
            }

            return StorageCommandContext.RunAsync(parse, async (services, output, ct) =>
            {
                var options = new AuditVerifyOptions { Key = provider, PreviousKeys = previousKeys, Journal = Journal(parse, journal), MaxUnanchoredAge = parse.GetValue(maxAge) };
                AuditVerification verdict;
                try
                {
                    verdict = await services.GetRequiredService<AuditLog>().VerifyAsync(options, ct).ConfigureAwait(false);
                }
                catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"--journal {options.Journal!.Path}: {unreadable.Message}").ConfigureAwait(false);
                    return ExitCodes.InputError;
                }

                await output.WriteLineAsync(verdict.ToString()).ConfigureAwait(false);
                if (provider is null)
                {
                    await output.WriteLineAsync("anchor signatures not checked: no --key given").ConfigureAwait(false);
                }

                return verdict.IsIntact ? ExitCodes.Success : ExitCodes.PartialFailure;
            }, cancellationToken);
        });
        return command;
    }

    private static Option<FileInfo?> JournalOption() => new("--journal")
    {
        Description = "Append-only file of the anchors kept outside the database (JSON lines); anchor appends to it, verify checks the database against it.",
    };

    private static AuditAnchorJournal? Journal(ParseResult parse, Option<FileInfo?> option) =>
        parse.GetValue(option) is { } file ? new AuditAnchorJournal(file.FullName) : null;

    /// <summary>A positive age: a number with a unit (<c>30s</c>, <c>90m</c>, <c>2h</c>, <c>1d</c>) or <c>[d.]hh:mm:ss</c>.</summary>
    private const double MaxAgeSeconds = 100 * 365.25 * 86_400;

    private static TimeSpan? ParseAge(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : string.Empty;
        TimeSpan? age = null;
        if (text.Length > 1 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            double? seconds = text[^1] switch
            {
                's' => number,
                'm' => number * 60,
                'h' => number * 3600,
                'd' => number * 86_400,
                _ => null,
            };

            // At most a century: TimeSpan throws past 29,000 years, and NaN or ∞ would throw as well.
            age = seconds is { } s && double.IsFinite(s) && s is > 0 and <= MaxAgeSeconds ? TimeSpan.FromSeconds(s) : null;
        }
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed))
        {
            age = parsed;
        }

        if (age is not { } value || value <= TimeSpan.Zero)
        {
            result.AddError($"--max-unanchored-age: '{text}' is not a positive age such as 2h, 90m, 1d or 02:00:00.");
            return null;
        }

        return value;
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
