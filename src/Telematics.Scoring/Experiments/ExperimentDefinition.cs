using System.Globalization;

namespace Telematics.Scoring.Experiments;

/// <summary>
/// A validated A/B experiment: a name, a salt, served variants whose weights sum to exactly
/// <see cref="ExperimentBuckets.Count"/> basis points, and optional shadow variants.
/// </summary>
/// <remarks>
/// <para>
/// Each served variant owns bucket ranges. Without explicit ranges the variants are laid out contiguously in
/// declaration order; <see cref="Reweight"/> returns a definition with explicit ranges in which only the
/// minimum number of buckets changed owner, so re-weighting a running experiment moves only the drivers it
/// must (save it with <see cref="ExperimentJson.Write"/>).
/// </para>
/// <para>Instances are immutable; <see cref="Assign"/> is thread-safe and allocates nothing.</para>
/// </remarks>
public sealed class ExperimentDefinition
{
    private const int MaxVariants = 100;

    private readonly ExperimentVariant[] _variants;
    private readonly ExperimentVariant[] _served;
    private readonly ExperimentVariant[] _shadows;
    private readonly byte[] _servedIndexByBucket;
    private readonly ulong _seed;

    /// <summary>Creates and validates an experiment.</summary>
    /// <param name="name">Experiment name, recorded with every score; letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, 1–100 characters.</param>
    /// <param name="salt">Salt of the assignment hash, non-empty; a new salt reshuffles every driver.</param>
    /// <param name="variants">Served and shadow variants, 1–100, with unique names.</param>
    /// <exception cref="ExperimentDefinitionException">The definition is invalid; the message names the field (for example <c>variants[2].weight_bp</c>).</exception>
    public ExperimentDefinition(string name, string salt, IEnumerable<ExperimentVariant> variants)
    {
        ArgumentNullException.ThrowIfNull(variants);
        Name = RequireToken(name, "name");
        if (string.IsNullOrEmpty(salt))
        {
            throw new ExperimentDefinitionException("salt", "is required and cannot be empty.");
        }

        try
        {
            _seed = ExperimentBuckets.SeedFromSalt(salt);
        }
        catch (ArgumentException e)
        {
            throw new ExperimentDefinitionException("salt", e.Message, e);
        }

        Salt = salt;
        _variants = [.. variants];
        if (_variants.Length is 0 or > MaxVariants)
        {
            throw new ExperimentDefinitionException("variants", $"needs 1 to {MaxVariants} variants; found {_variants.Length}.");
        }

        var served = new List<ExperimentVariant>();
        var shadows = new List<ExperimentVariant>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var weightSum = 0L;
        for (var i = 0; i < _variants.Length; i++)
        {
            var variant = _variants[i] ?? throw new ExperimentDefinitionException(Path(i), "is null.");
            RequireToken(variant.Name, Path(i, "name"));
            if (!names.Add(variant.Name))
            {
                throw new ExperimentDefinitionException(Path(i, "name"), $"'{variant.Name}' is used by an earlier variant; names must be unique.");
            }

            if (variant.Model.Name is null)
            {
                throw new ExperimentDefinitionException(Path(i, "model"), "is required: a model alias or 'name@version'.");
            }

            if (variant.IsShadow)
            {
                shadows.Add(variant);
                continue;
            }

            if (variant.WeightBasisPoints is < 0 or > ExperimentBuckets.Count)
            {
                throw new ExperimentDefinitionException(Path(i, "weight_bp"),
                    $"{variant.WeightBasisPoints} is outside 0–{ExperimentBuckets.Count} basis points.");
            }

            weightSum += variant.WeightBasisPoints;
            served.Add(variant);
        }

        if (served.Count == 0)
        {
            throw new ExperimentDefinitionException("variants", "needs at least one served (non-shadow) variant.");
        }

        if (weightSum != ExperimentBuckets.Count)
        {
            throw new ExperimentDefinitionException("variants",
                $"served weights sum to {weightSum.ToString(CultureInfo.InvariantCulture)} basis points; they must sum to exactly {ExperimentBuckets.Count}.");
        }

        _served = [.. served];
        _shadows = [.. shadows];
        _servedIndexByBucket = BuildLayout();
    }

    /// <summary>Experiment name.</summary>
    public string Name { get; }

    /// <summary>Salt of the assignment hash.</summary>
    public string Salt { get; }

    /// <summary>All variants in declaration order, served and shadow.</summary>
    public IReadOnlyList<ExperimentVariant> Variants => _variants;

    /// <summary>The shadow variants in declaration order (may be empty).</summary>
    public IReadOnlyList<ExperimentVariant> ShadowVariants => _shadows;

    /// <summary>Assigns a driver to a served variant by the stable hash of (salt, driver id).</summary>
    /// <param name="driverId">The driver id, non-empty; compared ordinally (case-sensitive).</param>
    /// <returns>The experiment name, the served variant and the shadow variants to score.</returns>
    /// <exception cref="ArgumentException">The id is empty or holds a lone surrogate.</exception>
    public ExperimentAssignment Assign(ReadOnlySpan<char> driverId)
    {
        var bucket = ExperimentBuckets.Compute(_seed, driverId);
        return new ExperimentAssignment(this, _served[_servedIndexByBucket[bucket]], bucket);
    }

    /// <summary>Returns the served variant that owns <paramref name="bucket"/>.</summary>
    /// <param name="bucket">Bucket, 0 to <see cref="ExperimentBuckets.Count"/> − 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The bucket is outside the range.</exception>
    public ExperimentVariant VariantOfBucket(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, ExperimentBuckets.Count);
        return _served[_servedIndexByBucket[bucket]];
    }

    /// <summary>Returns the bucket ranges a served variant owns, in ascending order.</summary>
    /// <param name="variantName">Name of a served variant.</param>
    /// <exception cref="KeyNotFoundException">No served variant has that name.</exception>
    public IReadOnlyList<BucketRange> BucketsOf(string variantName)
    {
        var index = Array.FindIndex(_served, v => string.Equals(v.Name, variantName, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new KeyNotFoundException($"Experiment '{Name}' has no served variant '{variantName}'.");
        }

        return RangesOf(_servedIndexByBucket, (byte)index);
    }

    /// <summary>
    /// Returns a copy of the experiment with new served weights, moving the fewest drivers possible: a variant
    /// whose weight falls gives up its highest buckets, a variant whose weight rises takes exactly those
    /// released buckets, and every other bucket keeps its owner.
    /// </summary>
    /// <param name="weightsBasisPoints">New weight per served variant name; variants not listed keep their weight.</param>
    /// <returns>A definition with explicit bucket ranges for every served variant.</returns>
    /// <exception cref="ExperimentDefinitionException">A name is not a served variant, or the new weights are invalid or do not sum to 10 000.</exception>
    public ExperimentDefinition Reweight(IReadOnlyDictionary<string, int> weightsBasisPoints)
    {
        ArgumentNullException.ThrowIfNull(weightsBasisPoints);
        var newWeights = new int[_served.Length];
        for (var i = 0; i < _served.Length; i++)
        {
            newWeights[i] = weightsBasisPoints.TryGetValue(_served[i].Name, out var w) ? w : _served[i].WeightBasisPoints;
            if (newWeights[i] is < 0 or > ExperimentBuckets.Count)
            {
                throw new ExperimentDefinitionException($"weights.{_served[i].Name}", $"{newWeights[i]} is outside 0–{ExperimentBuckets.Count} basis points.");
            }
        }

        foreach (var key in weightsBasisPoints.Keys)
        {
            if (Array.FindIndex(_served, v => string.Equals(v.Name, key, StringComparison.Ordinal)) < 0)
            {
                throw new ExperimentDefinitionException($"weights.{key}", $"experiment '{Name}' has no served variant of that name.");
            }
        }

        var sum = 0L;
        foreach (var w in newWeights)
        {
            sum += w;
        }

        if (sum != ExperimentBuckets.Count)
        {
            throw new ExperimentDefinitionException("weights", $"served weights sum to {sum.ToString(CultureInfo.InvariantCulture)} basis points; they must sum to exactly {ExperimentBuckets.Count}.");
        }

        var owner = (byte[])_servedIndexByBucket.Clone();
        var released = new bool[ExperimentBuckets.Count];
        for (var i = 0; i < _served.Length; i++)
        {
            var toRelease = _served[i].WeightBasisPoints - newWeights[i];
            for (var b = ExperimentBuckets.Count - 1; b >= 0 && toRelease > 0; b--)
            {
                if (owner[b] == i)
                {
                    released[b] = true;
                    toRelease--;
                }
            }
        }

        var bucket = 0;
        for (var i = 0; i < _served.Length; i++)
        {
            for (var toTake = newWeights[i] - _served[i].WeightBasisPoints; toTake > 0; bucket++)
            {
                if (released[bucket])
                {
                    owner[bucket] = (byte)i;
                    toTake--;
                }
            }
        }

        var variants = new ExperimentVariant[_variants.Length];
        for (var i = 0; i < _variants.Length; i++)
        {
            var servedIndex = Array.IndexOf(_served, _variants[i]);
            variants[i] = servedIndex < 0
                ? _variants[i]
                : new ExperimentVariant(_variants[i].Name, _variants[i].Model, newWeights[servedIndex], RangesOf(owner, (byte)servedIndex));
        }

        return new ExperimentDefinition(Name, Salt, variants);
    }

    /// <summary>Returns the experiment name.</summary>
    public override string ToString() => Name;

    private byte[] BuildLayout()
    {
        var layout = new byte[ExperimentBuckets.Count];
        var explicitCount = 0;
        foreach (var v in _served)
        {
            explicitCount += v.Buckets is null ? 0 : 1;
        }

        if (explicitCount == 0)
        {
            var start = 0;
            for (var i = 0; i < _served.Length; i++)
            {
                layout.AsSpan(start, _served[i].WeightBasisPoints).Fill((byte)i);
                start += _served[i].WeightBasisPoints;
            }

            return layout;
        }

        var owned = new bool[ExperimentBuckets.Count];
        for (var s = 0; s < _served.Length; s++)
        {
            var variant = _served[s];
            var i = Array.IndexOf(_variants, variant);
            if (variant.Buckets is null)
            {
                throw new ExperimentDefinitionException(Path(i, "buckets"),
                    "is required: when one served variant lists bucket ranges, every served variant must.");
            }

            var total = 0;
            for (var r = 0; r < variant.Buckets.Count; r++)
            {
                var range = variant.Buckets[r];
                var field = $"{Path(i, "buckets")}[{r}]";
                if (range.Start < 0 || range.End > ExperimentBuckets.Count || range.Start >= range.End)
                {
                    throw new ExperimentDefinitionException(field, $"{range} must satisfy 0 ≤ start < end ≤ {ExperimentBuckets.Count}.");
                }

                for (var b = range.Start; b < range.End; b++)
                {
                    if (owned[b])
                    {
                        throw new ExperimentDefinitionException(field, $"{range} overlaps another range at bucket {b}.");
                    }

                    owned[b] = true;
                    layout[b] = (byte)s;
                }

                total += range.Length;
            }

            if (total != variant.WeightBasisPoints)
            {
                throw new ExperimentDefinitionException(Path(i, "buckets"),
                    $"ranges cover {total} buckets but weight_bp is {variant.WeightBasisPoints}; they must be equal.");
            }
        }

        return layout;
    }

    private static BucketRange[] RangesOf(byte[] owner, byte index)
    {
        var ranges = new List<BucketRange>();
        var start = -1;
        for (var b = 0; b <= owner.Length; b++)
        {
            var mine = b < owner.Length && owner[b] == index;
            if (mine && start < 0)
            {
                start = b;
            }
            else if (!mine && start >= 0)
            {
                ranges.Add(new BucketRange(start, b));
                start = -1;
            }
        }

        return [.. ranges];
    }

    private static string RequireToken(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ExperimentDefinitionException(field, "is required and cannot be empty.");
        }

        if (value.Length > 100 || !IsToken(value))
        {
            throw new ExperimentDefinitionException(field, $"'{value}' may only hold letters, digits, '.', '_' and '-' (1–100 characters).");
        }

        return value;
    }

    private static bool IsToken(string value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Path(int index) => $"variants[{index}]";

    private static string Path(int index, string field) => $"variants[{index}].{field}";
}
