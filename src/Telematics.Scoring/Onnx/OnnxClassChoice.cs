using System.Globalization;
using Telematics.Scoring.Models;
using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.Onnx;

/// <summary>
/// Which class or column of an output is the raw output, as the manifest chooses it: <c>positive_class</c> (a label) or
/// <c>positive_index</c> (a column, or a class's position in the graph's label order), with defaults only where there
/// is no doubt. Every refusal names the output and the manifest field to set.
/// </summary>
internal static class OnnxClassChoice
{
    /// <summary>
    /// The position among <paramref name="labels"/> of the class the manifest chooses (or the default for labels 0/1, -1/1 or
    /// false/true, unless <paramref name="unclear"/> — labels without a default on a classifier upstream of the output — says they may be positions).
    /// </summary>
    public static int ChooseClass(OnnxModelSpec spec, IReadOnlyList<string> labels, IReadOnlyList<string>? unclear = null)
    {
        var byClass = spec.PositiveClass is { } label ? IndexOf(labels, label, spec) : (int?)null;
        var byIndex = spec.PositiveIndex is { } index ? CheckIndex(index, labels.Count, spec) : (int?)null;
        if (byClass is { } classIndex && byIndex is { } givenIndex && classIndex != givenIndex)
        {
            throw new ModelBindingException($"Output '{spec.OutputName}': output.positive_class '{spec.PositiveClass}' is class {classIndex} but output.positive_index is {givenIndex}; give one of them.");
        }

        if ((byClass ?? byIndex) is { } chosen)
        {
            return chosen;
        }

        if (labels.Count > 2)
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' has {labels.Count} classes ({Quote(labels)}); the manifest must name the positive one in output.positive_class (or its position in output.positive_index).");
        }

        if (labels.Count == 1)
        {
            return 0;
        }

        // Two classes: a default only where the labels say which is positive (0/1, -1/1, false/true). Any other pair
        // ({1, 2}, {"safe", "risky"}) is the author's to name: scikit-learn's classes_[1] is merely the later label in
        // sort order, and guessing it would silently invert the risk of a model trained on y ∈ {1, 2} with 1 = claim.
        var positive = PositiveOfBinaryLabels(labels);
        if (positive >= 0 && unclear is not null)
        {
            // skl2onnx's nocl keys a ZipMap 0/1 by position while the classifier's labels are, say, 1 and 2: key 1 is merely the later label.
            throw new ModelBindingException($"Output '{spec.OutputName}' has classes {Quote(labels)}, but the graph's classifier has labels {Quote(unclear)}, which have no default positive class; set output.positive_index to the position of the positive class among {Quote(unclear)}.");
        }

        return positive >= 0
            ? positive
            : throw new ModelBindingException($"Output '{spec.OutputName}' has 2 classes ({Quote(labels)}); only labels 0/1, -1/1 or false/true have a default positive class, so the manifest must name the positive one in output.positive_class (or its position in output.positive_index).");
    }

    /// <summary>The position of the positive label when the two labels are 0/1, -1/1 or false/true (in either order); else -1.</summary>
    internal static int PositiveOfBinaryLabels(IReadOnlyList<string> labels)
    {
        string a = labels[0], b = labels[1];
        foreach (var (negative, positive) in BinaryLabels)
        {
            if (string.Equals(a, negative, StringComparison.OrdinalIgnoreCase) && string.Equals(b, positive, StringComparison.OrdinalIgnoreCase))
            {
                return 1;
            }

            if (string.Equals(a, positive, StringComparison.OrdinalIgnoreCase) && string.Equals(b, negative, StringComparison.OrdinalIgnoreCase))
            {
                return 0;
            }
        }

        return -1;
    }

    private static readonly (string Negative, string Positive)[] BinaryLabels = [("0", "1"), ("-1", "1"), ("false", "true")];

    /// <summary>
    /// The column of a float tensor with <paramref name="columns"/> columns (0: rank 1, -1: unknown) the manifest chooses, or the
    /// default; <paramref name="unclear"/> (labels without a default on a classifier upstream of the output) withholds the defaults for two classes.
    /// </summary>
    public static int ChooseColumn(OnnxModelSpec spec, int columns, IReadOnlyList<string>? labels, IReadOnlyList<string>? unclear = null)
    {
        if (spec.PositiveClass is not null && (columns < 2 || labels is null))
        {
            var why = columns is 0 or 1 ? "it has a single column" : columns < 0 ? "its column count is unknown" : "the graph gives its columns no class labels";
            throw new ModelBindingException($"The manifest gives output.positive_class '{spec.PositiveClass}' for tensor output '{spec.OutputName}', but {why}; use output.positive_index for a column.");
        }

        if (labels is not null && columns >= 2)
        {
            if (labels.Count != columns)
            {
                throw new ModelBindingException($"Output '{spec.OutputName}' has {columns} columns but the graph labels {labels.Count} classes ({Quote(labels)}).");
            }

            // Labelled columns follow the same rule as a ZipMap over the same classes, so that both exports of one model read one class.
            return ChooseClass(spec, labels, unclear);
        }

        if (spec.PositiveIndex is { } chosen)
        {
            return columns < 0 ? CheckIndex(chosen, int.MaxValue, spec) : CheckIndex(chosen, Math.Max(1, columns), spec);
        }

        if (columns is 0 or 1)
        {
            return 0;
        }

        if (columns == 2 && unclear is not null && spec.OutputKind == ModelOutputKind.Probability)
        {
            throw new ModelBindingException($"Output '{spec.OutputName}' has 2 columns whose classes the graph does not trace back to a classifier, and the graph's classifier has labels {Quote(unclear)}, which have no default positive class (column 1 is merely the later label); set output.positive_index to the column of the positive class.");
        }

        if (columns == 2)
        {
            // Two columns are the two classes' probabilities only when the manifest says the output is a probability;
            // a score or frequency output with two columns may be anything (two targets, a margin and a variance…).
            return spec.OutputKind == ModelOutputKind.Probability
                ? 1
                : throw new ModelBindingException($"Output '{spec.OutputName}' has 2 columns and output.kind is '{spec.OutputKind.ToString().ToLowerInvariant()}'; only a probability output defaults to column 1, so the manifest must give output.positive_index.");
        }

        throw new ModelBindingException($"Output '{spec.OutputName}' has {(columns < 0 ? "an unknown number of" : columns.ToString(CultureInfo.InvariantCulture))} columns; the manifest must give output.positive_index.");
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label, OnnxModelSpec spec)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i], label, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ModelBindingException($"The manifest's output.positive_class '{label}' is not a class of output '{spec.OutputName}'; its classes are {Quote(labels)}.");
    }

    private static int CheckIndex(int index, int count, OnnxModelSpec spec) =>
        index >= 0 && index < count
            ? index
            : throw new ModelBindingException($"The manifest's output.positive_index {index} is outside output '{spec.OutputName}', which has {count} column(s) or class(es).");

    private static string Quote(IReadOnlyList<string> labels) => string.Join(", ", labels.Select(l => $"'{l}'"));
}
