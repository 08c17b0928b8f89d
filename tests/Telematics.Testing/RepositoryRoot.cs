namespace Telematics.Testing;

/// <summary>The checkout the tests run from: the directory above the test binaries that holds <c>Telematics.sln</c>.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(Find);

    /// <summary>The repository's root directory.</summary>
    /// <exception cref="DirectoryNotFoundException">The tests do not run from a build output inside the repository.</exception>
    public static string Path => Found.Value;

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Telematics.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new DirectoryNotFoundException("Telematics.sln not found above the test binaries.");
    }
}
