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
    /// <param name="replace">
    /// Whether a version already there (the folder, or <c>&lt;version&gt;.zip</c> beside it, which the registry serves too)
    /// is replaced; else it is refused and left as it was. Replaced, a <c>.zip</c> is removed once the folder is in place,
    /// since the registry would report the pair as a load failure on every reload.
    /// </param>
    /// <param name="check">Run on the written staging folder before it is swapped in; an exception it throws leaves nothing behind.</param>
    /// <exception cref="IOException">The folder cannot be written, or exists and <paramref name="replace"/> is false; a version already there is left as it was.</exception>
    public static void Write(string folder, byte[] model, byte[] manifest, bool replace, Action<string>? check = null)
    {
        var parent = Path.GetDirectoryName(folder)!;
        var version = Path.GetFileName(folder);
        RefuseExisting(folder, replace);

        var created = Missing(parent);
        var id = Guid.NewGuid().ToString("N");
        var staging = Path.Combine(parent, $".{version}.tmp-{id}");
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllBytes(Path.Combine(staging, OnnxPackageWriter.ModelFileName), model);
            File.WriteAllBytes(Path.Combine(staging, "manifest.json"), manifest);
            check?.Invoke(staging);

            // Checked again: the version may have appeared (another run, a copy) while this one was written and loaded.
            RefuseExisting(folder, replace);
        }
        catch
        {
            RemoveWritten(staging, created);
            throw;
        }

        var zip = folder + ".zip";
        string? aside = null;
        string? zipAside = null;
        try
        {
            if (Directory.Exists(folder))
            {
                aside = Path.Combine(parent, $".{version}.old-{id}");
                Directory.Move(folder, aside);
            }

            if (File.Exists(zip))
            {
                // Under a '.' name, which the registry does not serve, until the folder is in place.
                zipAside = Path.Combine(parent, $".{version}.old-{id}.zip");
                File.Move(zip, zipAside);
            }

            Directory.Move(staging, folder);
        }
        catch
        {
            if (zipAside is not null && !File.Exists(zip))
            {
                File.Move(zipAside, zip);
            }

            if (aside is not null && !Directory.Exists(folder))
            {
                Directory.Move(aside, folder);
            }

            RemoveWritten(staging, created);
            throw;
        }

        try
        {
            if (aside is not null)
            {
                Directory.Delete(aside, recursive: true);
            }

            if (zipAside is not null)
            {
                File.Delete(zipAside);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The new version is in place; the old one is left under a '.' name, which a registry does not serve.
        }
    }

    /// <summary>Refuses a version that exists (its folder or <c>&lt;version&gt;.zip</c>) unless <paramref name="replace"/>.</summary>
    /// <exception cref="IOException">It exists and <paramref name="replace"/> is false.</exception>
    public static void RefuseExisting(string folder, bool replace)
    {
        if (!replace && Exists(folder))
        {
            throw new IOException($"{folder} (or {Path.GetFileName(folder)}.zip beside it) exists already; a version is never overwritten unless asked to (--force).");
        }
    }

    // A version is a folder or, as the registry also serves, <version>.zip beside it.
    private static bool Exists(string folder) => Directory.Exists(folder) || File.Exists(folder + ".zip");

    // The folders of the path that do not exist yet, innermost first.
    private static List<string> Missing(string directory)
    {
        var missing = new List<string>();
        for (var d = directory; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
        {
            missing.Add(d);
        }

        return missing;
    }

    // Only what this call wrote: its staging folder, then the folders it created while they are empty (another run may
    // have put its own package in one meanwhile).
    private static void RemoveWritten(string staging, List<string> created)
    {
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        foreach (var directory in created)
        {
            try
            {
                Directory.Delete(directory, recursive: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not empty (or gone): it is no longer only this call's.
            }
        }
    }
}
