using Telematics.Features.Schema;

namespace Telematics.Scoring.Models;

/// <summary>
/// Binds a model's ordered inputs to the features of a <see cref="FeatureSchema"/> by name: model input
/// <c>i</c> reads schema feature <see cref="SchemaIndexes"/>[i].
/// </summary>
/// <remarks>Immutable and safe to share between threads.</remarks>
public sealed class ModelInputBinding
{
    private readonly string[] _featureNames;
    private readonly int[] _schemaIndexes;

    private ModelInputBinding(FeatureSchema schema, string[] featureNames, int[] schemaIndexes)
    {
        Schema = schema;
        _featureNames = featureNames;
        _schemaIndexes = schemaIndexes;
    }

    /// <summary>The schema the inputs are bound to.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Number of model inputs (values per row).</summary>
    public int Count => _featureNames.Length;

    /// <summary>The schema feature name of each model input, in model input order.</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>The schema index of each model input, in model input order.</summary>
    public ReadOnlySpan<int> SchemaIndexes => _schemaIndexes;

    /// <summary>Binds <paramref name="featureNames"/> (model input order) to <paramref name="schema"/>.</summary>
    /// <param name="schema">The feature schema the model was trained on.</param>
    /// <param name="featureNames">Schema feature names in model input order; each at most once.</param>
    /// <exception cref="ModelBindingException">A name is not in the schema, is repeated, or the list is empty; the message names it.</exception>
    public static ModelInputBinding Create(FeatureSchema schema, IReadOnlyList<string> featureNames)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(featureNames);
        if (featureNames.Count == 0)
        {
            throw new ModelBindingException($"The model lists no input features for schema {schema}.");
        }

        var names = new string[featureNames.Count];
        var indexes = new int[featureNames.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = featureNames[i];
            if (!schema.TryGetIndex(name, out var index))
            {
                throw new ModelBindingException($"Model input {i} '{name}' is not a feature of schema {schema}.");
            }

            if (!seen.Add(name))
            {
                throw new ModelBindingException($"Model input {i} '{name}' is bound twice.");
            }

            names[i] = name;
            indexes[i] = index;
        }

        return new ModelInputBinding(schema, names, indexes);
    }

    /// <summary>Binds every feature of <paramref name="schema"/> in schema order.</summary>
    /// <param name="schema">The schema.</param>
    public static ModelInputBinding AllFeatures(FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var names = new string[schema.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = schema.Features[i].Name;
        }

        return Create(schema, names);
    }

    /// <summary>Copies the bound features of one schema vector into model input order.</summary>
    /// <param name="schemaVector">A vector of <see cref="FeatureSchema.Count"/> values in schema order.</param>
    /// <param name="modelRow">Receives <see cref="Count"/> values in model input order.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Gather(ReadOnlySpan<float> schemaVector, Span<float> modelRow)
    {
        if (schemaVector.Length != Schema.Count)
        {
            throw new ArgumentException($"A {Schema} vector has {Schema.Count} values, not {schemaVector.Length}.", nameof(schemaVector));
        }

        if (modelRow.Length != _schemaIndexes.Length)
        {
            throw new ArgumentException($"The model has {_schemaIndexes.Length} inputs, not {modelRow.Length}.", nameof(modelRow));
        }

        var indexes = _schemaIndexes;
        for (var i = 0; i < indexes.Length; i++)
        {
            modelRow[i] = schemaVector[indexes[i]];
        }
    }
}
