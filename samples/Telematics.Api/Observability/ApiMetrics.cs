using System.Diagnostics.Metrics;

namespace Telematics.Api.Observability;

/// <summary>The host's own instruments, on the meter <see cref="MeterName"/>. Thread-safe.</summary>
internal sealed class ApiMetrics
{
    /// <summary>The meter name the host's instruments are published under.</summary>
    public const string MeterName = "Telematics.Api";

    /// <summary>The name of the cache lookup counter (Prometheus: <c>telematics_api_cache_lookups_total</c>).</summary>
    public const string CacheLookupsName = "telematics.api.cache.lookups";

    private readonly Counter<long> _cacheLookups;

    /// <summary>Creates the instruments on a meter owned by <paramref name="meters"/>.</summary>
    public ApiMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _cacheLookups = meter.CreateCounter<long>(CacheLookupsName, unit: "{lookup}",
            description: "Response cache lookups, tagged result=hit|miss.");
    }

    /// <summary>Counts one cache lookup.</summary>
    public void CacheLookup(bool hit) =>
        _cacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
}
