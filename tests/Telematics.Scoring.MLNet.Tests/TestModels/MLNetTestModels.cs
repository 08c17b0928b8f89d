using Microsoft.ML;
using Microsoft.ML.Data;
using Telematics.Features.Schema;

namespace Telematics.Scoring.MLNet.Tests.TestModels;

/// <summary>
/// Tiny ML.NET models trained here on generated rows with a known relation (risk rises with night driving,
/// speeding, harsh braking and phone use), saved to .zip bytes exactly as a data scientist would save them.
/// </summary>
internal static class MLNetTestModels
{
    public static readonly string[] Features =
    [
        TelematicsFeatures.NightShare,
        TelematicsFeatures.SpeedingShare,
        TelematicsFeatures.HarshBrakingPer100Km,
        TelematicsFeatures.PhoneMinutesPerHour,
    ];

    private static readonly Lazy<TrainedModel> LazyRegression = new(TrainRegression);
    private static readonly Lazy<TrainedModel> LazyBinary = new(TrainBinary);

    /// <summary>FastTree regression on one vector column <c>Features</c>; output <c>Score</c>.</summary>
    public static TrainedModel Regression => LazyRegression.Value;

    /// <summary>FastTree binary classifier on one scalar column per feature (concatenated in the pipeline); output <c>Probability</c>.</summary>
    public static TrainedModel Binary => LazyBinary.Value;

    /// <summary>Rows of 4 features drawn from the populations' ranges, row-major.</summary>
    public static float[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new float[count * Features.Length];
        for (var r = 0; r < count; r++)
        {
            rows[r * 4] = (float)(random.NextDouble() * 0.5);
            rows[r * 4 + 1] = (float)(random.NextDouble() * 0.3);
            rows[r * 4 + 2] = (float)(random.NextDouble() * 10);
            rows[r * 4 + 3] = (float)(random.NextDouble() * 6);
        }

        return rows;
    }

    /// <summary>The known relation: a log-odds-like risk.</summary>
    public static float Truth(ReadOnlySpan<float> row) => 3 * row[0] + 10 * row[1] + 0.2f * row[2] + 0.3f * row[3] - 2.5f;

    /// <summary>What the model itself says for <paramref name="rows"/> through <c>ITransformer.Transform</c>: the reference the SDK must match.</summary>
    public static float[] Transform(TrainedModel model, float[] rows)
    {
        var ml = new MLContext(seed: 1);
        var loaded = ml.Model.Load(new MemoryStream(model.Zip), out _);
        var count = rows.Length / Features.Length;
        IDataView data = model.ScalarColumns
            ? ml.Data.LoadFromEnumerable(ScalarRows(rows, count, label: false))
            : ml.Data.LoadFromEnumerable(VectorRows(rows, count));
        return [.. loaded.Transform(data).GetColumn<float>(model.OutputColumn)];
    }

    private static TrainedModel TrainRegression()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(VectorRows(Rows(2000, seed: 11), 2000));
        var trainer = ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 10);
        var model = trainer.Fit(data);
        return new TrainedModel(Save(ml, model, data.Schema), ScalarColumns: false, "Score");
    }

    private static TrainedModel TrainBinary()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ScalarRows(Rows(2000, seed: 12), 2000, label: true));
        var pipeline = ml.Transforms.Concatenate("Features", Features)
            .Append(ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 10));
        var model = pipeline.Fit(data);
        return new TrainedModel(Save(ml, model, data.Schema), ScalarColumns: true, "Probability");
    }

    private static byte[] Save(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, schema, stream);
        return stream.ToArray();
    }

    private static IEnumerable<VectorRow> VectorRows(float[] rows, int count)
    {
        for (var r = 0; r < count; r++)
        {
            var features = rows.AsSpan(r * 4, 4).ToArray();
            yield return new VectorRow { Features = features, Label = Truth(features) };
        }
    }

    private static IEnumerable<ScalarRow> ScalarRows(float[] rows, int count, bool label)
    {
        // A deterministic noisy label: risky rows are mostly, not always, positive.
        var noise = new Random(5);
        for (var r = 0; r < count; r++)
        {
            var row = rows.AsSpan(r * 4, 4);
            yield return new ScalarRow
            {
                NightShare = row[0],
                SpeedingShare = row[1],
                HarshBraking = row[2],
                PhoneMinutes = row[3],
                Label = label && Truth(row) + (noise.NextDouble() - 0.5) * 1.5 > 0,
            };
        }
    }

    internal sealed class VectorRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    internal sealed class ScalarRow
    {
        [ColumnName(TelematicsFeatures.NightShare)]
        public float NightShare { get; set; }

        [ColumnName(TelematicsFeatures.SpeedingShare)]
        public float SpeedingShare { get; set; }

        [ColumnName(TelematicsFeatures.HarshBrakingPer100Km)]
        public float HarshBraking { get; set; }

        [ColumnName(TelematicsFeatures.PhoneMinutesPerHour)]
        public float PhoneMinutes { get; set; }

        public bool Label { get; set; }
    }
}

/// <summary>A trained model's .zip bytes, how its inputs are laid out and which column is its raw output.</summary>
internal sealed record TrainedModel(byte[] Zip, bool ScalarColumns, string OutputColumn);
