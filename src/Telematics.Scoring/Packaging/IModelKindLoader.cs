using Telematics.Features.Schema;
using Telematics.Scoring.Models;

namespace Telematics.Scoring.Packaging;

/// <summary>
/// Loads the model file of one manifest <c>kind</c> that Telematics.Scoring does not serve itself (for example
/// <see cref="ModelKind.MLNet"/> from the Telematics.Scoring.MLNet package).
/// </summary>
/// <remarks>
/// Pass loaders to <see cref="ModelPackageLoader.Load(string, FeatureSchema?, int, IReadOnlyList{IModelKindLoader}?)"/>
/// or add them to <see cref="Registry.ModelRegistryOptions.ModelLoaders"/>. The package loader has already checked the
/// manifest, the SHA-256 and the schema; after <see cref="Load"/> it smoke-scores the reference row as for every kind.
/// Implementations are stateless or thread-safe: one loader serves every package load of a process.
/// </remarks>
public interface IModelKindLoader
{
    /// <summary>The manifest <c>kind</c> this loader serves.</summary>
    ModelKind Kind { get; }

    /// <summary>Loads the model file described by <paramref name="context"/> and binds it to the schema.</summary>
    /// <param name="context">The model file's bytes and the manifest's input and output description.</param>
    /// <returns>A thread-safe model; the package owns and disposes it.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a loadable model of this kind (corrupt or unsupported).</exception>
    /// <exception cref="ModelBindingException">The model's inputs or outputs differ from the manifest; the message names the column.</exception>
    IRiskModel Load(ModelFileContext context);
}
