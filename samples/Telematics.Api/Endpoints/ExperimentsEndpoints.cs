using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Telematics.Api.Administration;
using Telematics.Api.Auth;
using Telematics.Api.Authorization;
using Telematics.Api.Caching;
using Telematics.Api.Problems;
using Telematics.Api.Scoring;
using Telematics.Api.Storage;
using Telematics.Scoring.Experiments;
using Telematics.Scoring.Pricing;
using Telematics.Scoring.Service;
using Telematics.Storage.Postgres.Experiments;
using Telematics.Storage.Postgres.Scoring;

namespace Telematics.Api.Endpoints;

/// <summary>
/// The <c>/experiments</c> group: read, create or replace an A/B experiment at run time, and compare its variants'
/// scores. Reads need <c>models:read</c> (admin, analyst), writes <c>models:manage</c> (admin).
/// </summary>
/// <remarks>
/// A definition put here is stored in the <c>experiments</c> table (with its audit row, one transaction) and then
/// registered with the <see cref="ExperimentScorer"/>, so it serves the next score; at start-up the stored definitions
/// are loaded again (<see cref="ExperimentLoader"/>), replacing configured experiments of the same name.
/// </remarks>
internal static class ExperimentsEndpoints
{
    /// <summary>Maps the experiment endpoints under <c>/experiments</c>.</summary>
    public static RouteGroupBuilder MapExperimentsEndpoints(this RouteGroupBuilder api)
    {
        var experiments = api.MapGroup("/experiments").WithTags("Experiments").RequireDatabase();

        experiments.MapGet("/", ListAsync)
            .RequirePermission(Permission.ModelsRead)
            .WithName("ListExperiments")
            .WithSummary("List the experiments: every one serving scores and every one stored.")
            .WithDescription("By name, with active (serving scores now) and source (store: saved with PUT; configuration: from the host's " +
                "settings only). GET /experiments/{name} reads one.");
        experiments.MapGet("/{name}", GetAsync)
            .RequirePermission(Permission.ModelsRead)
            .WithName("GetExperiment")
            .WithSummary("Read an experiment: its variants, weights and shadows, and whether it serves scores.")
            .WithDescription("The definition is in the experiment file format (docs/experiments), with explicit bucket ranges, so it can be " +
                "sent back unchanged with PUT. active is false when a stored definition could not be registered at start-up; problems says why.");
        experiments.MapPut("/{name}", PutAsync)
            .RequirePermission(Permission.ModelsManage)
            .Accepts<ExperimentBody>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("PutExperiment")
            .WithSummary("Create or replace an experiment; new scores use it at once, and it survives a restart.")
            .WithDescription("Body: {\"name\": \"risk-2026q4\", \"salt\": \"q4\", \"variants\": [{\"name\": \"control\", \"model\": \"champion\", \"weight_bp\": 9000}, " +
                "{\"name\": \"gbm\", \"model\": \"risk-gbm@3\", \"weight_bp\": 1000}, {\"name\": \"nn\", \"model\": \"risk-nn@1\", \"shadow\": true}]}. " +
                "Served weights are basis points summing to 10000; name must equal the route's. Every variant's model must be served " +
                "(validation error on variants[i].model otherwise). 201 when new, 200 when replaced; audited as experiment.put with before/after.");
        experiments.MapGet("/{name}/metrics", GetMetricsAsync)
            .RequirePermission(Permission.ModelsRead)
            .WithName("GetExperimentMetrics")
            .WithSummary("Compare the variants of an experiment: scored drivers, mean/p50/p95 score and categories; and its shadow variants against them.")
            .WithDescription("From the stored risk scores over the UTC days from–to (inclusive, days 2000-01-01 to 2100-12-31; default the last 30 days, at most 366): each " +
                "driver counts once, with its latest score of the experiment, under the variant that served it. shadows lists, per shadow " +
                "variant, the drivers whose latest served score has that shadow's score beside it, their mean shadow score and the share " +
                "whose shadow category equals the served one.");
        return experiments;
    }

    private static async Task<Ok<ExperimentListResponse>> ListAsync(ExperimentScorer scorer, ExperimentStore store, HttpContext http)
    {
        var stored = await store.ReadAllAsync(http.RequestAborted);
        var storedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var experiment in stored)
        {
            storedNames.Add(experiment.Name);
        }

        var names = new SortedSet<string>(scorer.ExperimentNames, StringComparer.Ordinal);
        names.UnionWith(storedNames);
        var items = new List<ExperimentListItem>(names.Count);
        foreach (var name in names)
        {
            items.Add(new ExperimentListItem(name, scorer.TryGetExperiment(name, out _), storedNames.Contains(name) ? "store" : "configuration"));
        }

        return TypedResults.Ok(new ExperimentListResponse(items));
    }

    private static async Task<Results<Ok<ExperimentResponse>, NotFound>> GetAsync(
        string name, ExperimentScorer scorer, ExperimentStore store, ExperimentLoader loader, ApiCache cache, HttpContext http)
    {
        var response = await cache.GetOrCreateAsync(
            "experiments:" + name,
            async ct => await DescribeAsync(name, scorer, store, loader, ct),
            [CacheTags.Models],
            http.RequestAborted);
        return response is null ? TypedResults.NotFound() : TypedResults.Ok(response);
    }

    private static async Task<Results<Created<ExperimentResponse>, Ok<ExperimentResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string name, JsonElement body, ExperimentScorer scorer, ExperimentStore store, ExperimentLoader loader, ApiCache cache,
        PricingPlan plan, IOptions<RiskScoringOptions> scoring, ClaimsPrincipal user, HttpContext http, ILoggerFactory loggers)
    {
        ExperimentDefinition experiment;
        try
        {
            experiment = ExperimentJson.Parse(body.GetRawText());
            if (!string.Equals(experiment.Name, name, StringComparison.Ordinal))
            {
                return new ValidationErrors().Add("name", $"name '{experiment.Name}' must equal the experiment name in the route, '{name}'.").ToProblem();
            }

            scorer.CheckReferences(experiment);
        }
        catch (ExperimentDefinitionException e)
        {
            return new ValidationErrors().Add(e.Field, e.Problem).ToProblem();
        }

        // The served experiment's variants are priced: each must serve a model the plan fits, as the default model must.
        if (string.Equals(name, scoring.Value.Experiment, StringComparison.Ordinal) && plan.Misfit(experiment, scorer) is { } misfit)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The pricing plan cannot price this experiment's variants.",
                detail: $"Experiment '{name}' is the one drivers are scored in, and plan '{plan.Name}' does not fit it: {misfit}");
        }

        var actor = user.AuditActor(http);
        var (stored, previous) = await store.SaveAsync(experiment, actor, http.RequestAborted);
        try
        {
            // Through the loader, so that a reconcile that read the store before this commit does not bring the old one back.
            loader.Apply(experiment, stored.UpdatedAt);
        }
        catch (ExperimentDefinitionException e)
        {
            // The registry stopped serving a referenced model between the check and the swap: stored, but not serving.
            await cache.InvalidateAsync([CacheTags.Models, CacheTags.Experiments]);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The experiment was stored but the scorer refused it.",
                detail: e.Message);
        }

        // Every other host loads the stored experiment too (ExperimentLoader), so variants are assigned alike on all of them.
        await cache.InvalidateAsync([CacheTags.Models, CacheTags.Experiments]);
        AdminLog.ExperimentSaved(loggers.CreateLogger("Telematics.Api.Experiments"), name, previous is null ? "created" : "replaced", actor.Name);
        var response = ExperimentResponse.From(experiment, active: true, stored, []);
        return previous is null
            ? TypedResults.Created($"{ApiRoutes.Prefix}/experiments/{name}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ExperimentMetricsResponse>, NotFound, ValidationProblem>> GetMetricsAsync(
        string name, ExperimentScorer scorer, ExperimentStore store, ExperimentMetricsQuery metrics, ShadowMetricsQuery shadowMetrics, TimeProvider time, HttpContext http,
        DateOnly? from = null, DateOnly? to = null)
    {
        var errors = new ValidationErrors();
        if (!DayPeriod.TryCreate(from, to, time, errors, out var period))
        {
            return errors.ToProblem();
        }

        if (!scorer.TryGetExperiment(name, out _) && await store.GetAsync(name, http.RequestAborted) is null)
        {
            return TypedResults.NotFound();
        }

        var variants = await metrics.ReadAsync(name, period.Start, period.End, http.RequestAborted);
        var shadows = await shadowMetrics.ReadAsync(name, period.Start, period.End, http.RequestAborted);
        return TypedResults.Ok(new ExperimentMetricsResponse(
            name,
            period.From,
            period.To,
            [.. variants.Select(v => new VariantMetricsResponse(v.Variant, v.ScoredDrivers, v.MeanScore, v.P50Score, v.P95Score, CategoryCounts.From(v.CategoryCounts)))],
            [.. shadows.Select(s => new ShadowMetricsResponse(s.Variant, s.ScoredDrivers, s.MeanScore, s.SameCategoryShare, s.SettledDisagreementShare))]));
    }

    private static async ValueTask<ExperimentResponse?> DescribeAsync(
        string name, ExperimentScorer scorer, ExperimentStore store, ExperimentLoader loader, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(name, cancellationToken);
        if (scorer.TryGetExperiment(name, out var serving))
        {
            return ExperimentResponse.From(serving, active: true, stored, []);
        }

        if (stored is null)
        {
            return null;
        }

        try
        {
            var parsed = stored.Parse();
            var problem = loader.ProblemOf(name) ?? "The stored definition is not registered with the scorer.";
            return ExperimentResponse.From(parsed, active: false, stored, [problem]);
        }
        catch (ExperimentDefinitionException e)
        {
            return new ExperimentResponse(new ExperimentBody(name, string.Empty, []), false, "store", stored.UpdatedAt, stored.UpdatedBy, [e.Message]);
        }
    }
}
