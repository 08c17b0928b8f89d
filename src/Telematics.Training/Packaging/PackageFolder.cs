namespace Telematics.Training.Packaging;

/// <summary>
/// Puts a package folder (<c>model.onnx</c> + <c>manifest.json</c>) in place whole: the files go into a sibling folder whose
/// name starts with '.' (which a registry does not serve), are checked there, and renames swap it in, so a registry reading
/// the directory meanwhile sees the old version or the new one, never half of one or a mix, and a failure leaves the
/// directory as it was.
/// </summary>
internal static class PackageFolder
{
    /// <summary>Writes the package to <paramref name="folder"/>.</summary>
    /// <param name="folder">The package folder, <c>&lt;dir&gt;/&lt;name&gt;/&lt;version&gt;</c>.</param>
    /// <param name="model">The model file's bytes.</param>
    /// <param name="manifest">manifest.json's bytes.</param>
    /// <param name="replace">Whether a version already there is replaced; else it is refused and left as it was.</param>
    /// <param name="check">Run on the written staging folder before it is swapped in; an exception it throws leaves nothing behind.</param>
    /// <exception cref="IOException">The folder cannot be written, or exists and <paramref name="replace"/> is false; a version already there is left as it was.</exception>
    public static void Write(string folder, byte[] model, byte[] manifest, bool replace, Action<string>? check = null)
    {
        var parent = Path.GetDirectoryName(folder)!;
        var version = Path.GetFileName(folder);
        if (!replace && Exists(folder))
        {
            throw new IOException($"{folder} exists already; a version is never overwritten unless asked to (--force).");
        }

        var created = FirstMissing(parent);
        var id = Guid.NewGuid().ToString("N");
        var staging = Path.Combine(parent, $".{version}.tmp-{id}");
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllBytes(Path.Combine(staging, OnnxPackageWriter.ModelFileName), model);
            File.WriteAllBytes(Path.Combine(staging, "manifest.json"), manifest);
            check?.Invoke(staging);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            if (created is not null)
            {
                // Folders this call made (the name folder, the model directory) held nothing before it.
                TryDelete(created);
            }

            throw;
        }

        string? aside = null;
        try
        {
            if (Directory.Exists(folder))
            {
                aside = Path.Combine(parent, $".{version}.old-{id}");
                Directory.Move(folder, aside);
            }

            Directory.Move(staging, folder);
        }
        catch
        {
            if (aside is not null && !Directory.Exists(folder))
            {
                Directory.Move(aside, folder);
            }

            Directory.Delete(staging, recursive: true);
            throw;
        }

        if (aside is not null)
        {
            try
            {
                Directory.Delete(aside, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The new version is in place; the old one is left under a '.' name, which a registry does not serve.
            }
        }
    }

    // A version is a folder or, as the registry also serves, <version>.zip beside it.
    private static bool Exists(string folder) => Directory.Exists(folder) || File.Exists(folder + ".zip");

    // The outermost folder of the path that does not exist yet, or null when it all does.
    private static string? FirstMissing(string directory)
    {
        string? missing = null;
        for (var d = directory; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
        {
            missing = d;
        }

        return missing;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only tidying: an empty folder serves nothing.
        }
    }
}
