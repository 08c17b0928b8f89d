using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

using Npgsql;

using Telematics.Service.Events;
using Telematics.Service.Ingest;
using Telematics.Service.Scoring;
using Telematics.Service.Storage;
using Telematics.Storage.Postgres.Audit;
using Telematics.Storage.Postgres.Connection;
using Telematics.Storage.Postgres.Dashboard;
using Telematics.Storage.Postgres.Drivers;
using Telematics.Storage.Postgres.Experiments;
using Telematics.Storage.Postgres.Ingest;
using Telematics.Storage.Postgres.Migrations;
using Telematics.Storage.Postgres.Outbox;
using Telematics.Storage.Postgres.Partitions;
using Telematics.Storage.Postgres.Phone;
using Telematics.Storage.Postgres.Premiums;
using Telematics.Storage.Postgres.Scores;
using Telematics.Storage.Postgres.Scoring;
using Telematics.Storage.Postgres.Trips;
using Telematics.Storage.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL storage services.</summary>
public static class TelematicsPostgresServiceCollectionExtensions
{
    /// <summary>The name the registered data source carries in Npgsql's metrics and traces (never its connection string).</summary>
    public const string DataSourceName = "telematics";

    /// <summary>
    /// Registers one <see cref="NpgsqlDataSource"/> and the storage services (ingest, partitions, repositories, audit log,
    /// migrations, and the <see cref="IUploadStore"/>, <see cref="IScoreStore"/> and <see cref="IScoringRunStore"/> ports) as singletons; existing registrations (e.g. a data source or <see cref="TimeProvider"/>) are kept.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; the connection string falls back to <c>TELEMATICS_PG</c>.</param>
    /// <returns>The same collection.</returns>
    /// <remarks>Options are validated at start-up; invalid ones fail with a message naming each setting.</remarks>
    public static IServiceCollection AddTelematicsPostgres(this IServiceCollection services, Action<TelematicsPostgresOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddTelematicsPostgres((_, options) => configure(options));
    }

    /// <summary>Registers the storage services with default options (connection string from <c>TELEMATICS_PG</c>).</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddTelematicsPostgres(this IServiceCollection services) =>
        services.AddTelematicsPostgres(static (_, _) => { });

    /// <summary>Registers the storage services with options that depend on other services (e.g. configuration).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddTelematicsPostgres(this IServiceCollection services, Action<IServiceProvider, TelematicsPostgresOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<TelematicsPostgresOptions>()
            .Configure<IServiceProvider>((options, provider) => configure(provider, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelematicsPostgresOptions>, OptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => provider.GetRequiredService<IOptions<TelematicsPostgresOptions>>().Value);
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<TelematicsPostgresOptions>();
            if (!PostgresConnectionString.TryResolve(options.ConnectionString, out var connectionString))
            {
                throw new InvalidOperationException(PostgresConnectionString.MissingMessage);
            }

            // Npgsql names a data source after its connection string (host, port, user, database) in its metrics and
            // traces, which the host exports; a fixed name keeps those details out of them.
            var dataSource = new NpgsqlDataSourceBuilder(PostgresConnectionString.WithDefaults(connectionString)) { Name = DataSourceName }.Build();
            if (options.ApplyMigrationsOnStartup)
            {
                new MigrationRunner(dataSource).ApplyAsync().GetAwaiter().GetResult();
            }

            return dataSource;
        });
        services.TryAddSingleton<IAuditSigningKeyProvider>(static provider =>
        {
            var options = provider.GetRequiredService<TelematicsPostgresOptions>();
            return options.SigningKeyProvider
                ?? (options.SigningKeyPemPath is { } path
                    ? PemAuditSigningKeyProvider.FromFile(path)
                    : throw new InvalidOperationException("No audit signing key: set TelematicsPostgresOptions.SigningKeyProvider or SigningKeyPemPath."));
        });
        services.TryAddSingleton(static provider => new MigrationRunner(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(static provider => new PartitionManager(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TelematicsPostgresOptions>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static provider => new EventIngestor(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<PartitionManager>(), provider.GetRequiredService<TimeProvider>())
        {
            WriteDomainEvents = provider.GetRequiredService<TelematicsPostgresOptions>().WriteDomainEvents,
        });
        services.TryAddSingleton(static provider => new PhoneRecordingStore(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<PartitionManager>(), provider.GetRequiredService<TimeProvider>())
        {
            WriteDomainEvents = provider.GetRequiredService<TelematicsPostgresOptions>().WriteDomainEvents,
        });
        services.TryAddSingleton(static provider => new AuditLog(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static provider => new DriverRepository(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>())
        {
            WriteDomainEvents = provider.GetRequiredService<TelematicsPostgresOptions>().WriteDomainEvents,
        });
        services.TryAddSingleton(static provider => new TripRepository(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static provider => new TripReader(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(static provider => new ScoreRepository(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static provider => new PremiumRepository(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>())
        {
            WriteDomainEvents = provider.GetRequiredService<TelematicsPostgresOptions>().WriteDomainEvents,
        });

        // Admin reads and run-time experiments (host /experiments and /admin endpoints).
        services.TryAddSingleton(static provider => new ExperimentStore(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static provider => new ExperimentMetricsQuery(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(static provider => new ShadowMetricsQuery(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(static provider => new DashboardQueries(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(static provider => new BookCellMeansQuery(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(static provider => new AuditReader(provider.GetRequiredService<NpgsqlDataSource>()));

        // The storage ports of the use cases in Telematics.Service (uploads, scoring stored drivers, scoring runs).
        services.TryAddSingleton<IUploadStore>(static provider => provider.GetRequiredService<EventIngestor>());
        services.TryAddSingleton<IDriverErasures>(static provider => provider.GetRequiredService<DriverRepository>());
        services.TryAddSingleton(static provider => new PostgresScoreStore(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>())
        {
            WriteDomainEvents = provider.GetRequiredService<TelematicsPostgresOptions>().WriteDomainEvents,
        });
        services.TryAddSingleton<IDomainEventOutbox>(static provider => new PostgresOutbox(provider.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton<IScoreStore>(static provider => provider.GetRequiredService<PostgresScoreStore>());
        services.TryAddSingleton(static provider => new ScoringRunRepository(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IScoringRunStore>(static provider => provider.GetRequiredService<ScoringRunRepository>());
        services.TryAddSingleton(static provider => new StoredScoreReader(provider.GetRequiredService<NpgsqlDataSource>()));
        return services;
    }

    private sealed class OptionsValidator : IValidateOptions<TelematicsPostgresOptions>
    {
        public ValidateOptionsResult Validate(string? name, TelematicsPostgresOptions options)
        {
            var problems = options.Validate();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
