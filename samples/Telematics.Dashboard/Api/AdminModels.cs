using System.Text.Json.Serialization;

namespace Telematics.Dashboard.Api;

// The JSON of the models, experiments, audit and partitions endpoints, as the admin views read it.

/// <summary><c>GET /models</c>.</summary>
public sealed record ModelCatalog(bool IsReady, string? DefaultModel, long Generation, DateTimeOffset? LastReloadAt, IReadOnlyList<ModelLoadFailure> LoadFailures, string? LastReloadError, IReadOnlyList<ModelSummary> Models);

/// <summary>A package or alias file the last reload could not load.</summary>
public sealed record ModelLoadFailure(string Path, string Message);

/// <summary>One model name and its served versions.</summary>
public sealed record ModelSummary(string Name, string? ServingVersion, IReadOnlyList<ModelVersion> Versions);

/// <summary>One served model version.</summary>
public sealed record ModelVersion(string Version, string Kind, IReadOnlyList<string> Aliases, DateTimeOffset LoadedAt, string Source, string Sha256, double ReferenceScore);

/// <summary><c>GET /experiments</c>.</summary>
public sealed record ExperimentList(IReadOnlyList<ExperimentListItem> Items);

/// <summary>One experiment of the list.</summary>
public sealed record ExperimentListItem(string Name, bool Active, string Source);

/// <summary><c>GET /experiments/{name}</c>.</summary>
public sealed record Experiment(ExperimentDefinition Definition, bool Active, string Source, DateTimeOffset? UpdatedAt, string? UpdatedBy, IReadOnlyList<string> Problems);

/// <summary>An experiment in the experiment file format.</summary>
public sealed record ExperimentDefinition(string Name, string Salt, IReadOnlyList<ExperimentVariant> Variants);

/// <summary>One variant: served (with a weight in basis points) or shadow.</summary>
public sealed record ExperimentVariant(string Name, string Model, [property: JsonPropertyName("weight_bp")] int? WeightBp, bool Shadow);

/// <summary><c>GET /experiments/{name}/metrics</c>.</summary>
public sealed record ExperimentMetrics(string Experiment, DateOnly From, DateOnly To, IReadOnlyList<VariantMetrics> Variants, IReadOnlyList<ShadowMetrics> Shadows);

/// <summary>A served variant's latest scores.</summary>
public sealed record VariantMetrics(string Variant, long ScoredDrivers, double MeanScore, double P50Score, double P95Score, CategoryCounts Categories);

/// <summary>A shadow variant against the served scores it stood beside; <paramref name="SettledDisagreementShare"/> is null without intervals.</summary>
public sealed record ShadowMetrics(string Variant, long ScoredDrivers, double MeanScore, double SameCategoryShare, double? SettledDisagreementShare);

/// <summary><c>GET /admin/audit</c>: a keyset page, newest first.</summary>
public sealed record AuditPage(int PageSize, long? After, long? NextAfter, IReadOnlyList<AuditEntry> Items);

/// <summary>One audit row; <paramref name="RedactedAt"/> is when a driver's erasure removed Before and After, or null.</summary>
public sealed record AuditEntry(long Seq, DateTimeOffset OccurredAt, string Actor, string Action, string Resource, string? Before, string? After, string? Ip, DateTimeOffset? RedactedAt);

/// <summary>The filters of the audit view (all exact; null: any).</summary>
public sealed record AuditFilter(string? Action, string? Resource, string? Actor);

/// <summary>
/// <c>POST /admin/audit/verify</c>; <paramref name="Unanchored"/>: not intact only because old rows have no anchor yet, which
/// is not proof of tampering; <paramref name="FirstBrokenSeq"/> is null when the problem is not a row's (an unreadable journal).
/// </summary>
public sealed record AuditVerification(
    bool Intact, long Rows, string HeadHash, bool AnchorsTrusted, int AnchorsChecked, long? FirstBrokenSeq, string? Problem, string Verdict, bool Unanchored = false);

/// <summary>One partition of the events table.</summary>
public sealed record Partition(string Name, string Range, long Rows, long SizeBytes);
