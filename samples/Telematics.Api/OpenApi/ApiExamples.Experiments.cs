using Telematics.Api.Endpoints;

namespace Telematics.Api.OpenApi;

/// <content>Experiments: a champion/challenger split with a shadow model, and its metrics over March.</content>
internal static partial class ApiExamples
{
    private static void AddExperiments(Dictionary<Type, object> examples)
    {
        var definition = new ExperimentBody("pricing-2026-q2", "q2-2026", [
            new VariantBody("control", "champion", 9_000, false, [[0, 9_000]]),
            new VariantBody("treatment", "telematics-frequency@3", 1_000, false, [[9_000, 10_000]]),
            new VariantBody("shadow-gbm", "telematics-frequency@3", null, true, null),
        ]);
        Add(examples, definition);
        Add(examples, new ExperimentListResponse([new ExperimentListItem("night-pilot", false, "store"), new ExperimentListItem("pricing-2026-q2", true, "store")]));
        Add(examples, new ExperimentResponse(definition, true, "store", new DateTimeOffset(2026, 2, 27, 10, 15, 0, TimeSpan.Zero), "admin@insurer.example", []));
        Add(examples, new ExperimentMetricsResponse("pricing-2026-q2", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31),
            [
                new VariantMetricsResponse("control", 446, 44.9, 42.7, 78.3, new CategoryCounts(63, 150, 162, 60, 11)),
                new VariantMetricsResponse("treatment", 50, 43.6, 41.2, 76.8, new CategoryCounts(7, 17, 18, 7, 1)),
            ],
            [new ShadowMetricsResponse("shadow-gbm", 496, 45.3, 0.87, 0.02)]));
    }
}
