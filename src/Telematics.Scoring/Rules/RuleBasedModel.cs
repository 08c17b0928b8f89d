using Telematics.Features.Schema;
using Telematics.Scoring.Calibration;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Rules;

/// <summary>
/// A transparent weighted-feature model: <c>raw = intercept + Σ wᵢ · (min(xᵢ, capᵢ) − refᵢ)</c> in log-odds,
/// scored as <c>100 / (1 + e^−raw)</c> (see <see cref="Calibration"/>).
/// </summary>
/// <remarks>
/// A missing feature (NaN) counts as its reference, so it neither raises nor lowers the score. The reference
/// driver (every feature at its reference) scores <c>100 / (1 + e^−intercept)</c>. Immutable and safe to use
/// from many threads.
/// </remarks>
public sealed class RuleBasedModel : IAdditiveRiskModel
{
    private readonly double[] _weights;
    private readonly double[] _references;
    private readonly double[] _caps;
    private readonly RuleWeight[] _rules;

    /// <summary>Creates a rule-based model.</summary>
    /// <param name="schema">The schema the weights refer to.</param>
    /// <param name="intercept">Log-odds of the reference driver; finite.</param>
    /// <param name="weights">One weight per feature (a feature at most once); values finite, each reference ≤ its cap.</param>
    /// <exception cref="ModelBindingException">A feature is not in the schema or is repeated.</exception>
    /// <exception cref="ArgumentException">A value is not finite, or a reference is above its cap; the message names the feature.</exception>
    public RuleBasedModel(FeatureSchema schema, double intercept, IReadOnlyList<RuleWeight> weights)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(weights);
        if (!double.IsFinite(intercept))
        {
            throw new ArgumentException("The intercept must be finite.", nameof(intercept));
        }

        var names = new string[weights.Count];
        _rules = new RuleWeight[weights.Count];
        _weights = new double[weights.Count];
        _references = new double[weights.Count];
        _caps = new double[weights.Count];
        for (var i = 0; i < names.Length; i++)
        {
            var rule = weights[i];
            if (!double.IsFinite(rule.Weight) || !double.IsFinite(rule.Reference) || !double.IsFinite(rule.Cap))
            {
                throw new ArgumentException($"Rule '{rule.Feature}' has a weight, reference or cap that is not finite.", nameof(weights));
            }

            if (rule.Reference > rule.Cap)
            {
                throw new ArgumentException($"Rule '{rule.Feature}' has its reference {rule.Reference} above its cap {rule.Cap}.", nameof(weights));
            }

            names[i] = rule.Feature;
            _rules[i] = rule;
            _weights[i] = rule.Weight;
            // Stored at float precision so that the float reference row gives terms of exactly zero.
            _references[i] = (float)rule.Reference;
            _caps[i] = rule.Cap;
        }

        Binding = ModelInputBinding.Create(schema, names);
        Intercept = intercept;
    }

    /// <summary>The built-in default model over <see cref="TelematicsFeatures.Schema"/> (see <see cref="DefaultRuleWeights"/>).</summary>
    public static RuleBasedModel Default { get; } = new(TelematicsFeatures.Schema, DefaultRuleWeights.Intercept, DefaultRuleWeights.All);

    /// <summary>The calibration of this model's raw output: logistic with slope 1 and intercept 0.</summary>
    public static ScoreCalibration Calibration { get; } = ScoreCalibration.Logistic(1, 0);

    /// <inheritdoc />
    public ModelInputBinding Binding { get; }

    /// <summary>Log-odds of the reference driver.</summary>
    public double Intercept { get; }

    /// <summary>The rules in model input order.</summary>
    public IReadOnlyList<RuleWeight> Rules => _rules;

    /// <summary>The reference value of each input, in model input order: the row that scores the reference score.</summary>
    public void CopyReferenceRow(Span<float> destination)
    {
        if (destination.Length != _references.Length)
        {
            throw new ArgumentException($"The model has {_references.Length} inputs, not {destination.Length}.", nameof(destination));
        }

        for (var i = 0; i < _references.Length; i++)
        {
            destination[i] = (float)_references[i];
        }
    }

    /// <inheritdoc />
    public void Score(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        var width = _weights.Length;
        if (inputs.Length != outputs.Length * width)
        {
            throw new ArgumentException($"Expected {outputs.Length} rows × {width} inputs = {outputs.Length * width} values, got {inputs.Length}.", nameof(inputs));
        }

        for (var r = 0; r < outputs.Length; r++)
        {
            outputs[r] = (float)Raw(inputs.Slice(r * width, width));
        }
    }

    /// <summary>Computes the raw output (log-odds) of one row in model input order.</summary>
    /// <param name="row">One value per input.</param>
    public double Raw(ReadOnlySpan<float> row)
    {
        if (row.Length != _weights.Length)
        {
            throw new ArgumentException($"The model has {_weights.Length} inputs, not {row.Length}.", nameof(row));
        }

        var raw = Intercept;
        for (var i = 0; i < row.Length; i++)
        {
            raw += Term(i, row[i]);
        }

        return raw;
    }

    double IAdditiveRiskModel.ComputeTerms(ReadOnlySpan<float> row, Span<double> terms)
    {
        var raw = Intercept;
        for (var i = 0; i < row.Length; i++)
        {
            var term = Term(i, row[i]);
            terms[i] = term;
            raw += term;
        }

        return raw;
    }

    /// <summary>Does nothing: the model holds no native resources.</summary>
    public void Dispose()
    {
    }

    private double Term(int i, float value) =>
        float.IsNaN(value) ? 0 : _weights[i] * (Math.Min(value, _caps[i]) - _references[i]);
}
