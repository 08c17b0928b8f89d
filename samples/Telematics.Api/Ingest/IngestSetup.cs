namespace Telematics.Api.Ingest;

/// <summary>Registers what <c>POST /telematics/events</c> needs.</summary>
internal static class IngestSetup
{
    /// <summary>Binds <see cref="IngestOptions"/> and loads the CSV mappings (the stream ingestor comes from <c>AddTelematics</c>).</summary>
    public static IServiceCollection AddTelematicsIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestOptions>()
            .Bind(configuration.GetSection(IngestOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(static o => TimeZoneInfo.TryFindSystemTimeZoneById(o.DefaultTimeZone, out _), "Ingest:DefaultTimeZone is not a known IANA time zone.")
            .Validate(
                static o => o.Plausibility is { MaxSpeedMps: > 0, MaxAbsAccelerationMps2: > 0, MaxGpsAccuracyM: > 0 } p && p.MaxAheadOfNow is not { Ticks: < 0 },
                "Ingest:Plausibility bounds must be positive and MaxAheadOfNow not negative.")
            .ValidateOnStart();
        services.AddSingleton<CsvMappingCatalog>();

        // GET /telematics/batches/{batchId}: whether a streamed batch is stored yet (answers in either mode).
        services.AddSingleton(static provider => new Telematics.Storage.Postgres.Ingest.StoredBatchReader(provider.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        return services;
    }
}
