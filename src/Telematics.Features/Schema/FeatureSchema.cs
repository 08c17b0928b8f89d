using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Telematics.Features.Schema;

/// <summary>
/// A named, versioned, ordered list of features: the contract between feature extraction and the models
/// that consume its vectors.
/// </summary>
/// <remarks>
/// A feature vector for this schema is a span of <see cref="Count"/> floats in the order of
/// <see cref="Features"/>. Models bind their inputs to features by name, never by position. Instances are
/// immutable and safe to share between threads.
/// </remarks>
public sealed class FeatureSchema
{
    private readonly FeatureDefinition[] _features;
    private readonly FrozenDictionary<string, int> _indexByName;

    /// <summary>Creates a schema.</summary>
    /// <param name="name">Schema name, for example <c>telematics</c>.</param>
    /// <param name="version">Schema version, at least 1; any change to names, order or meaning needs a new version.</param>
    /// <param name="features">The features in vector order; names must be unique and non-empty.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, or <paramref name="features"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is less than 1.</exception>
    public FeatureSchema(string name, int version, IEnumerable<FeatureDefinition> features)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentNullException.ThrowIfNull(features);

        _features = [.. features];
        if (_features.Length == 0)
        {
            throw new ArgumentException("A feature schema needs at least one feature.", nameof(features));
        }

        var index = new Dictionary<string, int>(_features.Length, StringComparer.Ordinal);
        for (var i = 0; i < _features.Length; i++)
        {
            var featureName = _features[i].Name;
            if (string.IsNullOrWhiteSpace(featureName))
            {
                throw new ArgumentException($"Feature {i} of schema '{name}' has no name.", nameof(features));
            }

            if (!index.TryAdd(featureName, i))
            {
                throw new ArgumentException($"Feature '{featureName}' appears twice in schema '{name}'.", nameof(features));
            }
        }

        Name = name;
        Version = version;
        _indexByName = index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Schema name.</summary>
    public string Name { get; }

    /// <summary>Schema version.</summary>
    public int Version { get; }

    /// <summary>Number of features, the length of a feature vector.</summary>
    public int Count => _features.Length;

    /// <summary>The features in vector order.</summary>
    public ReadOnlySpan<FeatureDefinition> Features => _features;

    /// <summary>Returns the position of the feature called <paramref name="name"/>.</summary>
    /// <param name="name">Feature name, compared ordinally.</param>
    /// <param name="index">The position when found.</param>
    /// <returns><see langword="true"/> when the schema has the feature.</returns>
    public bool TryGetIndex(string name, out int index) => _indexByName.TryGetValue(name, out index);

    /// <summary>Returns the position of the feature called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The schema has no such feature; the message names it and the schema.</exception>
    public int IndexOf(string name) =>
        _indexByName.TryGetValue(name, out var index)
            ? index
            : throw new KeyNotFoundException($"Feature schema '{Name}' v{Version} has no feature '{name}'.");

    /// <summary>Returns the definition of the feature called <paramref name="name"/>.</summary>
    /// <param name="name">Feature name.</param>
    /// <param name="definition">The definition when found.</param>
    /// <returns><see langword="true"/> when the schema has the feature.</returns>
    public bool TryGetFeature(string name, [NotNullWhen(true)] out FeatureDefinition? definition)
    {
        if (_indexByName.TryGetValue(name, out var index))
        {
            definition = _features[index];
            return true;
        }

        definition = null;
        return false;
    }

    /// <summary>Returns <c>name@version</c>.</summary>
    public override string ToString() => $"{Name}@{Version}";
}
