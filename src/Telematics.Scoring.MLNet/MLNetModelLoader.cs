using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Telematics.Scoring.Models;
using Telematics.Scoring.Onnx;
using Telematics.Scoring.Packaging;

namespace Telematics.Scoring.MLNet;

/// <summary>
/// Loads model packages of kind <c>mlnet</c> (a model saved with <c>MLContext.Model.Save</c>) as <see cref="MLNetRiskModel"/>s.
/// </summary>
/// <remarks>
/// Inputs are bound by the manifest: layout <c>tensor</c> feeds one float vector column (<c>inputs.tensor_name</c>,
/// default <c>Features</c>) as wide as <c>inputs.features</c>; layout <c>per_feature</c> feeds one float column per
/// feature, named as the feature. The output column is <c>output.name</c>, by default <c>Probability</c> for a
/// probability output and <c>Score</c> otherwise; it must be a float column (<c>PredictedLabel</c> is refused).
/// The model's saved input schema is read and any difference is refused naming the column. FastTree models load
/// out of the box; a model from another trainer package (for example LightGBM) needs that package referenced by the app.
/// Stateless and thread-safe.
/// </remarks>
public sealed class MLNetModelLoader : IModelKindLoader
{
    /// <summary>The vector input column read when the manifest names none (ML.NET's trainers' default feature column).</summary>
    public const string DefaultVectorColumn = "Features";

    /// <inheritdoc />
    public ModelKind Kind => ModelKind.MLNet;

    /// <inheritdoc />
    public IRiskModel Load(ModelFileContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var binding = ModelInputBinding.Create(context.Schema, context.Features);
        var ml = new MLContext();
        // Tree models are found by the loader classes of their assembly; register it even if nothing touched it yet.
        ml.ComponentCatalog.RegisterAssembly(typeof(FastTreeRegressionModelParameters).Assembly);
        var transformer = LoadTransformer(ml, context.Content, out var savedInputs);
        try
        {
            var vector = context.InputLayout == OnnxInputLayout.Tensor;
            var (inputSchema, inputDescription) = vector
                ? BindVector(savedInputs, context.InputName ?? DefaultVectorColumn, context.Features.Count)
                : BindScalars(savedInputs, context.Features);
            if (!transformer.IsRowToRowMapper)
            {
                throw new ModelBindingException("The ML.NET model is not a row-to-row mapper (it cannot score one row at a time).");
            }

            var outputName = context.OutputName ?? (context.OutputKind == ModelOutputKind.Probability ? "Probability" : "Score");
            BindOutput(transformer, inputSchema, inputDescription, outputName);
            try
            {
                return new MLNetRiskModel(transformer, inputSchema, binding, vector, inputDescription, outputName);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // The first engine binds the row mapper; ML.NET names what it could not bind.
                throw new ModelBindingException($"The model cannot be bound to the manifest's inputs ({inputDescription}) and output '{outputName}': {e.Message}", e);
            }
        }
        catch
        {
            (transformer as IDisposable)?.Dispose();
            throw;
        }
    }

    private static ITransformer LoadTransformer(MLContext ml, ReadOnlyMemory<byte> content, out DataViewSchema inputs)
    {
        var bytes = MemoryMarshal.TryGetArray(content, out var segment) ? segment : new ArraySegment<byte>(content.ToArray());
        using var stream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        try
        {
            var transformer = ml.Model.Load(stream, out inputs);
            if (inputs is null)
            {
                (transformer as IDisposable)?.Dispose();
                throw new InvalidDataException("The model .zip carries no input schema; save it with MLContext.Model.Save(model, inputSchema, ...).");
            }

            return transformer;
        }
        catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
        {
            // ML.NET reports a corrupt or foreign .zip through several exception types (format, I/O, invalid operation).
            throw new InvalidDataException($"ML.NET cannot load the model: {e.Message}", e);
        }
    }

    private static (DataViewSchema Schema, string Description) BindVector(DataViewSchema saved, string name, int width)
    {
        var column = saved.GetColumnOrNull(name)
            ?? throw new ModelBindingException($"The manifest expects a vector input column '{name}'; the model's input columns are: {Describe(saved)}.");
        if (column.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single)
        {
            throw new ModelBindingException($"Input column '{name}' is {column.Type}, not a vector of Single.");
        }

        if (size != width)
        {
            throw new ModelBindingException($"Input column '{name}' holds {size} values but the manifest lists {width} features.");
        }

        var builder = new DataViewSchema.Builder();
        builder.AddColumn(name, column.Type, column.Annotations);
        return (builder.ToSchema(), $"vector column '{name}' of {width} features");
    }

    private static (DataViewSchema Schema, string Description) BindScalars(DataViewSchema saved, IReadOnlyList<string> features)
    {
        var builder = new DataViewSchema.Builder();
        for (var i = 0; i < features.Count; i++)
        {
            var name = features[i];
            var column = saved.GetColumnOrNull(name)
                ?? throw new ModelBindingException($"The model has no input column '{name}' (manifest input {i}); its input columns are: {Describe(saved)}.");
            if (column.Type != NumberDataViewType.Single)
            {
                throw new ModelBindingException($"Input column '{name}' is {column.Type}, not Single.");
            }

            builder.AddColumn(name, column.Type, column.Annotations);
        }

        return (builder.ToSchema(), $"{features.Count} Single columns named as the features");
    }

    private static void BindOutput(ITransformer transformer, DataViewSchema inputs, string inputDescription, string outputName)
    {
        DataViewSchema outputs;
        try
        {
            outputs = transformer.GetOutputSchema(inputs);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // ML.NET names the input column it misses (for example one the manifest does not list).
            throw new ModelBindingException($"The model cannot run on the manifest's inputs ({inputDescription}): {e.Message}", e);
        }

        var column = outputs.GetColumnOrNull(outputName)
            ?? throw new ModelBindingException($"The model has no output column '{outputName}'; its outputs are: {Describe(outputs)}.");
        if (column.Type != NumberDataViewType.Single)
        {
            throw new ModelBindingException($"Output column '{outputName}' is {column.Type}; the raw output must be a Single column such as Score or Probability.");
        }
    }

    private static string Describe(DataViewSchema schema)
    {
        var text = new StringBuilder();
        foreach (var column in schema)
        {
            if (column.IsHidden)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append('\'').Append(column.Name).Append("' (").Append(column.Type).Append(')');
        }

        return text.Length == 0 ? "none" : text.ToString();
    }
}
