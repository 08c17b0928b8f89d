using System.Text;
using Telematics.Features.Schema;

namespace Telematics.Scoring.Recommendations;

/// <summary>Turns factor contributions into plain-English tips: the factors that raised the risk score most come first.</summary>
/// <remarks>
/// Each tip names its factor and sets the driver's figure against the population's typical figure, with
/// units. Features of <see cref="TelematicsFeatures.Schema"/> have a sentence of their own; any other
/// feature gets a generic sentence. Ordering is stable: larger contribution first, then feature name
/// (ordinal). Pure and thread-safe.
/// </remarks>
public static class Recommender
{
    /// <summary>Returns up to <see cref="RecommendationOptions.MaxTips"/> tips, then optional praise.</summary>
    /// <param name="contributions">Contribution of each feature to the risk score, in score points (positive = riskier).</param>
    /// <param name="driverValues">The driver's feature values by name; a missing value leaves the figure out of the sentence.</param>
    /// <param name="population">Population figures by feature name; a missing figure leaves the comparison out.</param>
    /// <param name="options">Counts and praise; <see langword="null"/> for the defaults.</param>
    /// <param name="schema">Schema giving the unit of each feature; <see langword="null"/> means <see cref="TelematicsFeatures.Schema"/>.</param>
    /// <returns>Improvement tips (largest contribution first), followed by praise when asked for (largest reduction first).</returns>
    /// <exception cref="ArgumentException">A contribution is NaN or infinite (the message names the feature), or a count option is negative.</exception>
    public static IReadOnlyList<Recommendation> Recommend(
        IReadOnlyDictionary<string, double> contributions,
        IReadOnlyDictionary<string, double>? driverValues,
        IReadOnlyDictionary<string, PopulationFigure>? population,
        RecommendationOptions? options = null,
        FeatureSchema? schema = null)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        options ??= new RecommendationOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTips, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxPraise, nameof(options));
        schema ??= TelematicsFeatures.Schema;

        var raising = new List<KeyValuePair<string, double>>();
        var lowering = new List<KeyValuePair<string, double>>();
        foreach (var pair in contributions)
        {
            if (!double.IsFinite(pair.Value))
            {
                throw new ArgumentException($"The contribution of feature '{pair.Key}' is {pair.Value}; contributions must be finite.", nameof(contributions));
            }

            // A factor too small to show would read "it added 0 points to your risk score".
            if (FigureFormatter.ShownPoints(pair.Value) == 0)
            {
                continue;
            }

            if (pair.Value > 0 && pair.Value >= options.MinContribution)
            {
                raising.Add(pair);
            }
            else if (pair.Value < 0 && -pair.Value >= options.MinContribution)
            {
                lowering.Add(pair);
            }
        }

        raising.Sort(static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        lowering.Sort(static (a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : string.CompareOrdinal(a.Key, b.Key));

        var praiseCount = options.IncludePraise ? Math.Min(options.MaxPraise, lowering.Count) : 0;
        var tipCount = Math.Min(options.MaxTips, raising.Count);
        var result = new List<Recommendation>(tipCount + praiseCount);
        for (var i = 0; i < tipCount; i++)
        {
            result.Add(Build(raising[i], RecommendationKind.Improve, driverValues, population, schema));
        }

        for (var i = 0; i < praiseCount; i++)
        {
            result.Add(Build(lowering[i], RecommendationKind.Praise, driverValues, population, schema));
        }

        return result;
    }

    private static Recommendation Build(
        KeyValuePair<string, double> factor,
        RecommendationKind kind,
        IReadOnlyDictionary<string, double>? driverValues,
        IReadOnlyDictionary<string, PopulationFigure>? population,
        FeatureSchema schema)
    {
        var (feature, contribution) = factor;
        var driver = driverValues is not null && driverValues.TryGetValue(feature, out var d) ? d : double.NaN;
        var figure = population is not null && population.TryGetValue(feature, out var p) ? p : new PopulationFigure(double.NaN, double.NaN);
        var unit = schema.TryGetFeature(feature, out var definition) ? definition.Value.Unit : string.Empty;

        string subject;
        string advice;
        string praise;
        if (TipTemplates.ByFeature.TryGetValue(feature, out var template) && ReferenceEquals(schema, TelematicsFeatures.Schema))
        {
            (subject, advice, praise) = (template.Subject, template.Advice, template.Praise);
        }
        else
        {
            var label = definition is { } known ? $"{known.Description.TrimEnd('.')} ('{feature}')" : $"Factor '{feature}'";
            (subject, advice, praise) = ($"{label}, yours", string.Empty, "This is a strength.");
        }

        var text = new StringBuilder();
        if (kind == RecommendationKind.Praise)
        {
            text.Append(praise).Append(' ');
        }

        text.Append(subject);
        if (double.IsFinite(driver))
        {
            text.Append(" is ").Append(FigureFormatter.Format(driver, unit));
            if (double.IsFinite(figure.Median))
            {
                text.Append(", against ").Append(FigureFormatter.Format(figure.Median, unit)).Append(" for the typical driver");
            }

            text.Append("; it ");
        }
        else
        {
            text.Append(' ');
        }

        text.Append(kind == RecommendationKind.Improve ? "added " : "took ")
            .Append(FigureFormatter.Points(contribution))
            .Append(kind == RecommendationKind.Improve ? " to your risk score." : " off your risk score.");

        if (kind == RecommendationKind.Improve)
        {
            if (advice.Length > 0)
            {
                text.Append(' ').Append(advice);
            }

            if (double.IsFinite(figure.Target))
            {
                text.Append(" A good figure is ").Append(FigureFormatter.Format(figure.Target, unit)).Append('.');
            }
        }

        return new Recommendation(feature, kind, contribution, driver, figure.Median, figure.Target, text.ToString());
    }
}
