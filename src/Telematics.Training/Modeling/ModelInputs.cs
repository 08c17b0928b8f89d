using Microsoft.ML;
using Microsoft.ML.Data;
using Telematics.Features.Schema;
using Telematics.Training.Datasets;

namespace Telematics.Training.Modeling;

/// <summary>One ML.NET training row: the model's inputs, the claim rate and the exposure weight.</summary>
internal sealed class FrequencyRow
{
    public float[] Features { get; set; } = [];

    /// <summary>Claims per year of exposure.</summary>
    public float Label { get; set; }

    /// <summary>Years of exposure.</summary>
    public float Weight { get; set; }
}

/// <summary>A row holding the model inputs only: the shape of the exported ONNX graph's single input.</summary>
internal sealed class FeatureRow
{
    public float[] Features { get; set; } = [];
}

/// <summary>Builds each model's input rows from a dataset.</summary>
/// <remarks>
/// Exposure is handled as a rate target with exposure weights: label = claims / exposure, weight = exposure. The
/// weighted Poisson log-likelihood of the rate equals, up to a constant, the Poisson likelihood of the counts with a
/// ln(exposure) offset, so the fitted value is an annual frequency whatever each driver's exposure.
/// </remarks>
internal static class ModelInputs
{
    public const string FeaturesColumn = "Features";

    public static int Width(FrequencyModelKind kind) => kind switch
    {
        FrequencyModelKind.ClassicalGlm => ClassicalFactors.EncodedCount,
        FrequencyModelKind.TreesAll => ClassicalFactors.EncodedCount + TrainingDataset.FeatureCount,
        _ => TrainingDataset.FeatureCount,
    };

    public static IReadOnlyList<string> Names(FrequencyModelKind kind)
    {
        var names = new List<string>();
        if (kind == FrequencyModelKind.GlmTelematics)
        {
            foreach (var feature in TelematicsFeaturesV2.Schema.Features)
            {
                names.Add(feature.Name);
            }

            return names;
        }

        if (kind != FrequencyModelKind.TreesTelematics)
        {
            names.AddRange(ClassicalFactors.EncodedNames);
        }

        if (kind != FrequencyModelKind.ClassicalGlm)
        {
            foreach (var feature in TelematicsFeatures.Schema.Features)
            {
                names.Add(feature.Name);
            }
        }

        return names;
    }

    public static void Write(TrainingDataset data, FrequencyModelKind kind, int row, Span<float> destination)
    {
        var offset = 0;
        if (kind != FrequencyModelKind.TreesTelematics)
        {
            data.Classical(row).Encode(destination);
            offset = ClassicalFactors.EncodedCount;
        }

        if (kind != FrequencyModelKind.ClassicalGlm)
        {
            data.Features(row).CopyTo(destination[offset..]);
        }
    }

    public static IDataView Load(MLContext ml, TrainingDataset data, FrequencyModelKind kind, IReadOnlyList<int> rows)
    {
        var width = Width(kind);
        var list = new FrequencyRow[rows.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var r = rows[i];
            var features = new float[width];
            Write(data, kind, r, features);
            list[i] = new FrequencyRow
            {
                Features = features,
                Label = (float)(data.Claims[r] / data.ExposureYears[r]),
                Weight = (float)data.ExposureYears[r],
            };
        }

        var schema = SchemaDefinition.Create(typeof(FrequencyRow));
        schema[nameof(FrequencyRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(list, schema);
    }

    public static IDataView LoadFeaturesOnly(MLContext ml, IReadOnlyList<float[]> rows, int width)
    {
        var list = new FeatureRow[rows.Count];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = new FeatureRow { Features = rows[i] };
        }

        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(list, schema);
    }
}
