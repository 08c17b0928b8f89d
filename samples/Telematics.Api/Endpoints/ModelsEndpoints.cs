using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Telematics.Api.Administration;
using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Problems;
using Telematics.Api.Scoring;
using Telematics.Api.Storage;
using Telematics.Scoring.Packaging;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Service;
using Telematics.Service.Events;
using Telematics.Storage.Postgres;
using Telematics.Storage.Postgres.Audit;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The <c>/models</c> group: what the model registry serves, and moving an alias (a promotion). Reads need
/// <c>models:read</c> (admin, analyst), the promotion <c>models:manage</c> (admin).
/// </summary>
internal static partial class ModelsEndpoints
{
    /// <summary>Maps the model endpoints under <c>/models</c>.</summary>
    public static RouteGroupBuilder MapModelsEndpoints(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models");

        models.MapGet("/", ListAsync)
            .RequirePermission(Permission.ModelsRead)
            .WithName("ListModels")
            .WithSummary("List every served model with its versions, aliases and serving status.")
            .WithDescription("From the model registry: per model name the version a score without a version gets, and per version " +
                "its kind, aliases, load time, source and SHA-256; plus the registry generation, last reload time and load failures. " +
                "Cached per registry generation, so a reload or promotion shows on the next read.");
        models.MapGet("/{name}/versions", GetVersionsAsync)
            .RequirePermission(Permission.ModelsRead)
            .WithName("ListModelVersions")
            .WithSummary("List the served versions of one model.")
            .WithDescription("404 when the registry serves no model of that name.");
        models.MapPost("/{name}/aliases", PromoteAsync)
            .RequirePermission(Permission.ModelsManage)
            .RequireDatabase()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("SetModelAlias")
            .WithSummary("Point an alias of a model at one of its versions (promote).")
            .WithDescription("Body {\"alias\": \"champion\", \"version\": \"3\"}. Writes the model's aliases.json and reloads the registry, so " +
                "new scores use the version at once; audited as model.promote with the alias's version before and after. 404 for an " +
                "unknown model or version, 409 when the registry refuses (no model directory, the built-in model, an unreadable alias file) " +
                "or when the version would become the served champion and the pricing plan does not fit it (e.g. a score plan for a frequency model).");
        return models;
    }

    private static async Task<Ok<ModelCatalog>> ListAsync(ModelRegistry registry, ApiCache cache, ClaimsPrincipal user, HttpContext http)
    {
        // The generation is part of the key: a reload (file change or promotion) makes a new entry, never a stale read. It is
        // this process's count, though, and the second-level cache is shared: the served versions and aliases are in the key
        // too, so a host never reads another's listing of other models at the same count.
        var generation = registry.Generation.ToString(CultureInfo.InvariantCulture);
        var paths = ShowsPaths(user);
        var catalog = await cache.GetOrCreateAsync(
            "models:list:" + generation + ":" + ServedDigest(registry) + (paths ? ":paths" : ":names"),
            _ => ValueTask.FromResult(Describe(registry, paths)), [CacheTags.Models], http.RequestAborted);
        return TypedResults.Ok(catalog);
    }

    private static Results<Ok<ModelSummary>, NotFound> GetVersionsAsync(string name, ModelRegistry registry, ClaimsPrincipal user)
    {
        var summary = Describe(registry, ShowsPaths(user)).Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
        return summary is null ? TypedResults.NotFound() : TypedResults.Ok(summary);
    }

    // Where the server keeps its model files is for those who manage models; a reader sees the name/version part only.
    private static bool ShowsPaths(ClaimsPrincipal user) => user.GetRole() is { } role && RolePermissions.Grants(role, Permission.ModelsManage);

    private static async Task<Results<Ok<ModelSummary>, ValidationProblem, ProblemHttpResult>> PromoteAsync(
        string name, AliasRequest request, ModelRegistry registry, PricingPlan plan, ExperimentScorer experiments, IOptions<RiskScoringOptions> scoring,
        AuditLog audit, TelematicsPostgresOptions storage, TimeProvider time, ApiCache cache, ClaimsPrincipal user, HttpContext http, ILoggerFactory loggers)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(request.Alias))
        {
            errors.Add("alias", "alias is required, e.g. champion.");
        }
        else if (!AliasPattern().IsMatch(request.Alias))
        {
            errors.Add("alias", "alias must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (string.IsNullOrEmpty(request.Version))
        {
            errors.Add("version", "version is required.");
        }
        else if (!VersionPattern().IsMatch(request.Version))
        {
            errors.Add("version", "version must be 1–100 letters, digits, '.', '_' or '-'.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var versions = registry.Models.Where(m => string.Equals(m.Name, name, StringComparison.Ordinal)).ToArray();
        if (versions.Length == 0)
        {
            return NotFound($"No model '{name}' is served.");
        }

        if (!versions.Any(m => string.Equals(m.Version, request.Version, StringComparison.Ordinal)))
        {
            return NotFound($"Model '{name}' has no served version '{request.Version}'; served: {string.Join(", ", versions.Select(v => v.Version))}.");
        }

        if (name == ModelPackage.BuiltInName)
        {
            return Conflict($"The built-in model '{name}' has one fixed version and no aliases.");
        }

        // A promotion of the default model's champion changes what every score is priced from: the plan must fit the new
        // version as it had to fit the old one at start (PricingPlanCheck), or the promotion would misprice from then on.
        if (PromotesDefault(registry, name, request.Alias!) && NotFitting(registry, plan, name, request.Version!) is { } misfit)
        {
            return Conflict($"Promoting {name}@{request.Version} to {request.Alias} would serve a model the pricing plan '{plan.Name}' does not fit: {misfit}");
        }

        // A served experiment's variant that names the alias is served the promoted version too, and priced by the same plan.
        if (PricedVariantOf(registry, experiments, scoring.Value.Experiment, name, request.Alias!) is { } variant
            && NotFitting(registry, plan, name, request.Version!) is { } variantMisfit)
        {
            return Conflict(
                $"Promoting {name}@{request.Version} to {request.Alias} would serve variant '{variant}' of experiment '{scoring.Value.Experiment}' a model the pricing plan '{plan.Name}' does not fit: {variantMisfit}");
        }

        var before = versions.FirstOrDefault(m => m.Aliases.Contains(request.Alias!, StringComparer.Ordinal))?.Version;
        RegistryReloadResult reload;
        try
        {
            reload = registry.Promote(name, request.Version!, request.Alias!);
        }
        catch (KeyNotFoundException e)
        {
            // The version was retired by a reload between the check above and the promotion.
            return NotFound(e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return Conflict(e.Message);
        }

        var actor = user.AuditActor(http);
        var beforeJson = AliasJson(request.Alias!, before, null);
        var afterJson = AliasJson(request.Alias!, request.Version!, reload.Generation);
        try
        {
            // The alias is served already: its audit row is written even if the client has gone (no request token).
            if (storage.WriteDomainEvents)
            {
                // The promotion's ModelPromoted event commits with its audit row (the alias itself lives in the model directory).
                var at = time.GetUtcNow();
                await audit.AppendWithEventAsync(
                    actor, "model.promote", "model/" + name, beforeJson, afterJson,
                    seq => DomainEvents.ModelPromoted(name, request.Alias!, request.Version!, before, seq, at), CancellationToken.None);
            }
            else
            {
                await audit.AppendAsync(actor, "model.promote", "model/" + name, beforeJson, afterJson, CancellationToken.None);
            }
        }
        catch (Exception)
        {
            // No audit row (the database is down): a promotion nobody can account for is not served. The alias goes back to
            // the version it named, or away when it is new, and the failure answers as any other (503 while the database
            // is unavailable).
            if (before is not null)
            {
                registry.Promote(name, before, request.Alias!);
            }
            else
            {
                registry.RemoveAlias(name, request.Alias!);
            }

            throw;
        }
        await cache.InvalidateAsync([CacheTags.Models]);
        AdminLog.ModelPromoted(loggers.CreateLogger("Telematics.Api.Models"), name, request.Alias!, before ?? "(none)", request.Version!, actor.Name);
        return TypedResults.Ok(Describe(registry, paths: true).Models.First(m => string.Equals(m.Name, name, StringComparison.Ordinal)));
    }

    // The default model is what an unnamed lease resolves, served at ServedModels.DefaultAlias.
    private static bool PromotesDefault(ModelRegistry registry, string name, string alias)
    {
        using var served = registry.Acquire();
        return string.Equals(alias, ServedModels.DefaultAlias, StringComparison.Ordinal) && string.Equals(served.Package.Name, name, StringComparison.Ordinal);
    }

    // The first priced (not shadow) variant of the served experiment whose alias reference resolves to name@alias; an alias
    // is looked up on the default model (ExperimentScorer.TryAcquireModel).
    private static string? PricedVariantOf(ModelRegistry registry, ExperimentScorer experiments, string? servedExperiment, string name, string alias)
    {
        if (servedExperiment is null || !experiments.TryGetExperiment(servedExperiment, out var experiment))
        {
            return null;
        }

        using var served = registry.Acquire();
        if (!string.Equals(served.Package.Name, name, StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var variant in experiment.Variants)
        {
            if (!variant.IsShadow && variant.Model.IsAlias && string.Equals(variant.Model.Name, alias, StringComparison.Ordinal))
            {
                return variant.Name;
            }
        }

        return null;
    }

    private static string? NotFitting(ModelRegistry registry, PricingPlan plan, string name, string version)
    {
        if (!registry.TryAcquire(name, version, out var lease))
        {
            return null; // retired meanwhile: the promotion itself answers 404
        }

        using (lease)
        {
            return plan.Misfit(lease.Package);
        }
    }

    // What the registry serves — each version's name, number, content hash and aliases — hashed: the same on every host that
    // serves the same, whatever its generation.
    internal static string ServedDigest(ModelRegistry registry)
    {
        var text = new System.Text.StringBuilder();
        foreach (var model in registry.Models.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Version, StringComparer.Ordinal))
        {
            text.Append(model.Name).Append('@').Append(model.Version).Append(' ').Append(model.Sha256).Append(' ')
                .AppendJoin(',', model.Aliases.Order(StringComparer.Ordinal)).Append('\n');
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())), 0, 8);
    }

    /// <summary>What the registry serves now, grouped by model name; file paths whole, or cut to their last two parts.</summary>
    internal static ModelCatalog Describe(ModelRegistry registry, bool paths)
    {
        var status = registry.GetStatus();
        var models = new List<ModelSummary>();
        foreach (var group in status.Serving.GroupBy(m => m.Name, StringComparer.Ordinal))
        {
            string? serving = null;
            if (registry.TryAcquire(group.Key, null, out var lease))
            {
                using (lease)
                {
                    serving = lease.Package.Version;
                }
            }

            models.Add(new ModelSummary(
                group.Key,
                serving,
                [.. group.Select(m => new ModelVersionInfo(m.Version, m.Kind.ToString().ToLowerInvariant(), m.Aliases, m.LoadedAt, paths ? m.Source : ShortPath(m.Source), m.Sha256, m.ReferenceScore))]));
        }

        string? defaultModel = null;
        if (registry.TryAcquire(null, null, out var defaultLease))
        {
            using (defaultLease)
            {
                defaultModel = defaultLease.Package.ToString();
            }
        }

        return new ModelCatalog(
            status.IsReady,
            defaultModel,
            status.Generation,
            status.LastReloadAt,
            [.. status.LastReloadFailures.Select(f => paths ? new ModelLoadFailure(f.Path, f.Message) : new ModelLoadFailure(ShortPath(f.Path), WithoutRoot(f.Message, f.Path)))],
            paths || status.LastReloadError is null ? status.LastReloadError : "The last reload failed; ask a model manager for the details.",
            models);
    }

    // A rooted path cut to its last two parts (model name and version folder, or name and file).
    private static string ShortPath(string path)
    {
        if (!Path.IsPathRooted(path))
        {
            return path;
        }

        var parent = Path.GetFileName(Path.GetDirectoryName(path.TrimEnd(Path.DirectorySeparatorChar)) ?? string.Empty);
        var leaf = Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar));
        return parent.Length == 0 ? leaf : parent + "/" + leaf;
    }

    // The message with the model directory (two levels above the failing path) taken out of every path it names.
    private static string WithoutRoot(string message, string path)
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(path.TrimEnd(Path.DirectorySeparatorChar)) ?? string.Empty);
        return string.IsNullOrEmpty(root) ? message : message.Replace(root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal);
    }

    private static string AliasJson(string alias, string? version, long? generation)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("alias", alias);
            if (version is null)
            {
                writer.WriteNull("version");
            }
            else
            {
                writer.WriteString("version", version);
            }

            if (generation is { } g)
            {
                writer.WriteNumber("registry_generation", g);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The model or version is not served.", detail: detail);

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The registry refused the promotion.", detail: detail);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}

/// <summary>The body of <c>POST /api/v1/models/{name}/aliases</c>.</summary>
/// <param name="Alias">The alias to move, e.g. <c>champion</c> (1–64 letters, digits, '.', '_', '-').</param>
/// <param name="Version">The served version it should point at.</param>
internal sealed record AliasRequest(string? Alias, string? Version);

/// <summary>The answer of <c>GET /api/v1/models</c>.</summary>
/// <param name="IsReady">Whether the default model resolves (what readiness checks).</param>
/// <param name="DefaultModel">The version a score naming no model gets, as <c>name@version</c>; null when none resolves.</param>
/// <param name="Generation">The registry's snapshot generation; each reload adds one.</param>
/// <param name="LastReloadAt">When the last directory reload finished; null without a model directory.</param>
/// <param name="LoadFailures">Packages or alias files the last reload could not load.</param>
/// <param name="LastReloadError">The error of the last reload that failed as a whole, if any.</param>
/// <param name="Models">Every served model name, the built-in one first.</param>
internal sealed record ModelCatalog(
    bool IsReady, string? DefaultModel, long Generation, DateTimeOffset? LastReloadAt, IReadOnlyList<ModelLoadFailure> LoadFailures, string? LastReloadError, IReadOnlyList<ModelSummary> Models);

/// <summary>One model name and its served versions.</summary>
/// <param name="Name">The model name.</param>
/// <param name="ServingVersion">The version a score naming this model without a version gets (its <c>champion</c> alias, else the highest version).</param>
/// <param name="Versions">The served versions, lowest first.</param>
internal sealed record ModelSummary(string Name, string? ServingVersion, IReadOnlyList<ModelVersionInfo> Versions);

/// <summary>One served model version.</summary>
/// <param name="Version">The version.</param>
/// <param name="Kind">The runtime: <c>rules</c> or <c>onnx</c>.</param>
/// <param name="Aliases">Aliases that point at it.</param>
/// <param name="LoadedAt">When this process loaded it (UTC).</param>
/// <param name="Source">The folder or .zip it was loaded from (<c>builtin</c> for the built-in model).</param>
/// <param name="Sha256">SHA-256 of its model file.</param>
/// <param name="ReferenceScore">The score of the population's typical driver under it, 0–100.</param>
internal sealed record ModelVersionInfo(string Version, string Kind, IReadOnlyList<string> Aliases, DateTimeOffset LoadedAt, string Source, string Sha256, double ReferenceScore);

/// <summary>A package or alias file the registry could not load.</summary>
/// <param name="Path">The file or folder.</param>
/// <param name="Message">Why.</param>
internal sealed record ModelLoadFailure(string Path, string Message);
