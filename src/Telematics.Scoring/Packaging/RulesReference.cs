using Telematics.Scoring.Rules;

namespace Telematics.Scoring.Packaging;

/// <summary>The reference row of a rules package.</summary>
internal static class RulesReference
{
    /// <summary>
    /// Returns the rules' own references. A manifest <c>reference</c> may repeat them but not move them: a rules model counts
    /// a missing feature as its rule's reference, so against any other reference row a driver with that feature missing would
    /// get points for it, and no share of score − reference could be both 0 for it and add up.
    /// </summary>
    /// <exception cref="ModelPackageException">The manifest's reference differs from a rule's; the message names each such feature and both values.</exception>
    public static float[] Row(RuleBasedModel rules, IReadOnlyDictionary<string, float>? manifestReference, string id)
    {
        var row = new float[rules.Binding.Count];
        rules.CopyReferenceRow(row);
        if (manifestReference is null)
        {
            return row;
        }

        var names = rules.Binding.FeatureNames;
        var moved = new List<string>();
        for (var i = 0; i < row.Length; i++)
        {
            if (manifestReference.TryGetValue(names[i], out var value) && value != row[i])
            {
                moved.Add($"'{names[i]}' {value} (its rule's reference is {row[i]})");
            }
        }

        return moved.Count == 0
            ? row
            : throw new ModelPackageException(
                $"Package {id}: the manifest's 'reference' moves {string.Join(", ", moved)}. A rules package's reference row is its rules' references, "
                + "since a missing feature counts as its rule's reference; set the reference in the rules file, or leave the feature out of 'reference'.");
    }
}
