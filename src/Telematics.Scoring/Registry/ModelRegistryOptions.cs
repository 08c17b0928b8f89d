using System.ComponentModel.DataAnnotations;

namespace Telematics.Scoring.Registry;

/// <summary>Options of a <see cref="ModelRegistry"/>.</summary>
public sealed class ModelRegistryOptions
{
    /// <summary>The directory holding <c>&lt;name&gt;/&lt;version&gt;/</c> package folders (or <c>&lt;version&gt;.zip</c>) and each name's <c>aliases.json</c>.</summary>
    /// <value>Default <see langword="null"/>: no directory, only the built-in rules model is served.</value>
    public string? ModelDirectory { get; set; }

    /// <summary>The model name served when a request names none.</summary>
    /// <value>Default <see langword="null"/>: the built-in rules model (<see cref="Packaging.ModelPackage.BuiltInName"/>).</value>
    [RegularExpression("^[a-z0-9][a-z0-9._-]{0,63}$")]
    public string? DefaultModel { get; set; }

    /// <summary>The alias served when a request names a model but no version.</summary>
    /// <value>Default <c>champion</c>; when a name has no such alias its highest version is served.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    public string DefaultAlias { get; set; } = "champion";

    /// <summary>Whether file changes under <see cref="ModelDirectory"/> trigger a reload.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool WatchForChanges { get; set; } = true;

    /// <summary>Quiet time after the last file change before reloading, so a package copied file by file loads once.</summary>
    /// <value>Default 500 ms: longer than a local copy of a package's few files, short enough to feel immediate.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Rows per ONNX Runtime call for ONNX models; larger batches are split. Fewer for a model so wide that a call's buffer would pass 16 M values.</summary>
    /// <value>Default 1024.</value>
    [Range(1, 1 << 20)]
    public int MaxBatchSize { get; set; } = 1024;

    /// <summary>Loaders of the manifest kinds Telematics.Scoring does not serve itself (for example ML.NET, added by <c>UseMLNetModels()</c>).</summary>
    /// <value>Default empty: packages of such kinds fail to load with a message naming the package to add.</value>
    public IList<Packaging.IModelKindLoader> ModelLoaders { get; } = new List<Packaging.IModelKindLoader>();
}
