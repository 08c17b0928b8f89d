using Telematics.Features.Schema;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Telematics.Training.Datasets;

namespace Telematics.Training.Modeling;

/// <summary>A fitted claim-frequency model of one <see cref="FrequencyModelKind"/>: predicts claims per year of exposure.</summary>
/// <remarks>Predictions are thread-safe; the model is immutable once fitted.</remarks>
public sealed class FrequencyModel
{
    private readonly MLContext _ml;
    private readonly ITransformer? _transformer;

    private FrequencyModel(MLContext ml, FrequencyModelKind kind, ITransformer? transformer, MonotonePoissonGlm? glm)
    {
        _ml = ml;
        Kind = kind;
        _transformer = transformer;
        Glm = glm;
    }

    /// <summary>The kind of model.</summary>
    public FrequencyModelKind Kind { get; }

    /// <summary>The fitted ML.NET transformer (input column <c>Features</c>, output column <c>Score</c> = annual frequency).</summary>
    /// <exception cref="InvalidOperationException">The model is the <see cref="FrequencyModelKind.GlmTelematics"/> GLM, which ML.NET did not fit (see <see cref="Glm"/>).</exception>
    public ITransformer Transformer => _transformer ?? throw new InvalidOperationException($"Model {Kind.Name()} is not an ML.NET model; see {nameof(Glm)}.");

    /// <summary>The fitted GLM of a <see cref="FrequencyModelKind.GlmTelematics"/> model; null for the ML.NET models.</summary>
    public MonotonePoissonGlm? Glm { get; }

    /// <summary>Names of the model's inputs, in the order of its <c>Features</c> vector.</summary>
    public IReadOnlyList<string> InputNames => ModelInputs.Names(Kind);

    internal MLContext Context => _ml;

    /// <summary>Fits a model on the given rows of a dataset.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="kind">Which model.</param>
    /// <param name="rows">Rows to train on.</param>
    /// <param name="options">Trainer settings.</param>
    /// <param name="seed">Seed of the trainer.</param>
    /// <exception cref="InvalidOperationException">The model needs classical factors that the dataset lacks.</exception>
    public static FrequencyModel Fit(TrainingDataset data, FrequencyModelKind kind, IReadOnlyList<int> rows, TrainingOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        if (kind.NeedsClassicalFactors() && !data.HasClassicalFactors)
        {
            throw new InvalidOperationException($"Model {kind.Name()} needs classical factors; the dataset has none.");
        }

        var ml = new MLContext(seed);
        if (kind == FrequencyModelKind.GlmTelematics)
        {
            return new FrequencyModel(ml, kind, null, MonotonePoissonGlm.Fit(data, rows, new GlmOptions { ExcludedFeatures = new HashSet<string>(options.ExcludedFeatures, StringComparer.Ordinal) }));
        }

        var view = ModelInputs.Load(ml, data, kind, rows);
        IEstimator<ITransformer> trainer = kind == FrequencyModelKind.ClassicalGlm
            ? ml.Regression.Trainers.LbfgsPoissonRegression(new LbfgsPoissonRegressionTrainer.Options
            {
                LabelColumnName = nameof(FrequencyRow.Label),
                FeatureColumnName = ModelInputs.FeaturesColumn,
                ExampleWeightColumnName = nameof(FrequencyRow.Weight),
                L1Regularization = 0,
                L2Regularization = 0.01f,
                NumberOfThreads = options.Threads,
            })
            : ml.Regression.Trainers.FastTreeTweedie(new FastTreeTweedieTrainer.Options
            {
                LabelColumnName = nameof(FrequencyRow.Label),
                FeatureColumnName = ModelInputs.FeaturesColumn,
                ExampleWeightColumnName = nameof(FrequencyRow.Weight),
                Index = 1.0, // Tweedie power 1 = Poisson: the trees learn ln(frequency), predictions are exp(sum of trees).
                NumberOfTrees = options.Trees,
                NumberOfLeaves = options.Leaves,
                LearningRate = options.LearningRate,
                // FastTree's Poisson leaf step is learning rate × ln(Σ w·y / Σ w·e^s), clamped to ± this value. A leaf with no
                // claims has ln 0 = −∞ and, with the default clamp of 100, would send its drivers to e^−100. Clamping the
                // step to 2 × learning rate caps each round's change of a leaf at a factor e^2 before shrinkage.
                MaximumTreeOutput = 2 * options.LearningRate,
                // FastTree has no intercept and stops at the first tree that cannot split, leaving every prediction at e^0 = 1;
                // on a small dataset the leaf minimum is lowered to a quarter of the rows so that the first trees can split.
                MinimumExampleCountPerLeaf = Math.Min(options.MinDriversPerLeaf, Math.Max(1, rows.Count / 4)),
                NumberOfThreads = options.Threads,
                Seed = seed,
            });
        return new FrequencyModel(ml, kind, trainer.Fit(view), null);
    }

    /// <summary>Predicts the annual claim frequency of the given rows.</summary>
    /// <param name="data">The dataset the rows belong to.</param>
    /// <param name="rows">Rows to predict.</param>
    /// <returns>Claims per year of exposure, one per row, in <paramref name="rows"/> order.</returns>
    public double[] Predict(TrainingDataset data, IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rows);
        if (Glm is { } glm)
        {
            var v2 = new float[TelematicsFeaturesV2.Schema.Count];
            var predicted = new double[rows.Count];
            for (var r = 0; r < predicted.Length; r++)
            {
                data.WriteV2Features(rows[r], v2);
                predicted[r] = glm.PredictFrequency(v2);
            }

            return predicted;
        }

        var scores = Transformer.Transform(ModelInputs.Load(_ml, data, Kind, rows)).GetColumn<float>("Score");
        var result = new double[rows.Count];
        var i = 0;
        foreach (var score in scores)
        {
            result[i++] = score;
        }

        return result;
    }

    /// <summary>Predicts the annual claim frequency of input vectors in <see cref="InputNames"/> order.</summary>
    /// <param name="inputs">One vector per row, each <see cref="InputNames"/> long.</param>
    /// <returns>Claims per year of exposure, one per row.</returns>
    public float[] Predict(IReadOnlyList<float[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (Glm is { } glm)
        {
            var frequencies = new float[inputs.Count];
            for (var r = 0; r < frequencies.Length; r++)
            {
                frequencies[r] = (float)glm.PredictFrequency(inputs[r]);
            }

            return frequencies;
        }

        var scores = Transformer.Transform(ModelInputs.LoadFeaturesOnly(_ml, inputs, ModelInputs.Width(Kind))).GetColumn<float>("Score");
        return scores.ToArray();
    }

    /// <summary>
    /// Importance of each input, normalised to sum to 1: for tree models the input's total split gain; for the monotone
    /// telematics GLM |coefficient × (transformed upper − transformed lower bound of the training range)|, the term's whole
    /// effect on ln λ; for the classical GLM the absolute coefficient (its inputs are one-hot or on a log scale).
    /// </summary>
    /// <returns>(input name, share) pairs, largest first.</returns>
    public IReadOnlyList<(string Input, double Share)> Importance()
    {
        var names = InputNames;
        var values = new double[names.Count];
        switch (_transformer)
        {
            case null when Glm is { } glm:
                // The term's whole effect on ln λ across the training range: comparable across units.
                foreach (var term in glm.Terms)
                {
                    values[term.SchemaIndex] = Math.Abs(term.Coefficient * (term.Transform(term.Upper) - term.Transform(term.Lower)));
                }

                break;
            case RegressionPredictionTransformer<FastTreeTweedieModelParameters> trees:
                var weights = default(VBuffer<float>);
                trees.Model.GetFeatureWeights(ref weights);
                var dense = weights.DenseValues().ToArray();
                for (var i = 0; i < values.Length && i < dense.Length; i++)
                {
                    values[i] = dense[i];
                }

                break;
            case RegressionPredictionTransformer<PoissonRegressionModelParameters> glm:
                var j = 0;
                foreach (var w in glm.Model.Weights)
                {
                    values[j++] = Math.Abs(w);
                }

                break;
        }

        var total = values.Sum();
        var result = new List<(string, double)>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            result.Add((names[i], total > 0 ? values[i] / total : 0));
        }

        result.Sort((a, b) => b.Item2.CompareTo(a.Item2));
        return result;
    }
}
