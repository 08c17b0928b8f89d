using Telematics.Training.Packaging;

namespace Telematics.Training.Tests.Packaging;

/// <summary>
/// <see cref="PackageFolder"/>: what it finds at the version's place just before the swap decides, and a failure removes
/// only what this call wrote.
/// </summary>
public sealed class PackageFolderTests : IDisposable
{
    private static readonly byte[] Model = [1, 2, 3];
    private static readonly byte[] Manifest = "{}"u8.ToArray();

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "telematics-package-folder-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string Version(string name, string version) => Path.Combine(_directory, name, version);

    // Another run's package, put in place as this one is checked.
    private static void WriteOther(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), "other");
    }

    [Fact]
    public void A_version_that_appears_while_the_package_is_checked_is_refused_without_replace_and_kept()
    {
        var folder = Version("partner", "1");

        var refused = Assert.Throws<IOException>(() => PackageFolder.Write(folder, Model, Manifest, replace: false, check: _ => WriteOther(folder)));

        Assert.Contains("exists already", refused.Message, StringComparison.Ordinal);
        Assert.Equal("other", File.ReadAllText(Path.Combine(folder, "manifest.json")));
        Assert.Equal([folder], Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!));
    }

    [Fact]
    public void A_zip_that_appears_while_the_package_is_checked_is_refused_without_replace_and_kept()
    {
        var folder = Version("partner", "1");

        Assert.Throws<IOException>(() => PackageFolder.Write(folder, Model, Manifest, replace: false, check: _ => File.WriteAllText(folder + ".zip", "zip")));

        Assert.Equal([folder + ".zip"], Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!));
    }

    [Fact]
    public void Replacing_a_version_served_as_a_zip_removes_the_zip_so_the_registry_does_not_find_both()
    {
        var folder = Version("partner", "1");
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        File.WriteAllText(folder + ".zip", "old");

        PackageFolder.Write(folder, Model, Manifest, replace: true);

        Assert.Equal([folder], Directory.GetFileSystemEntries(Path.GetDirectoryName(folder)!));
        Assert.Equal(Model, File.ReadAllBytes(Path.Combine(folder, OnnxPackageWriter.ModelFileName)));
    }

    [Fact]
    public void A_failed_check_removes_its_staging_folder_but_not_another_runs_package_in_a_folder_it_created()
    {
        var folder = Version("partner", "2");
        var other = Version("partner", "1");

        // The name folder did not exist: this call creates it, and another run puts version 1 there meanwhile.
        Assert.Throws<InvalidDataException>(() => PackageFolder.Write(folder, Model, Manifest, replace: false, check: _ =>
        {
            WriteOther(other);
            throw new InvalidDataException("refused");
        }));

        Assert.Equal("other", File.ReadAllText(Path.Combine(other, "manifest.json")));
        Assert.Equal([other], Directory.GetFileSystemEntries(Path.Combine(_directory, "partner")));
    }

    [Fact]
    public void A_failed_check_removes_the_empty_folders_it_created()
    {
        var folder = Version("partner", "1");

        Assert.Throws<InvalidDataException>(() => PackageFolder.Write(folder, Model, Manifest, replace: false, check: _ => throw new InvalidDataException("refused")));

        Assert.False(Directory.Exists(_directory));
    }
}
