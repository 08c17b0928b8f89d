namespace Telematics.Features.Tests.Ingest;

/// <summary>
/// A fact that needs the recorded driving data in <c>shared/data</c> beside the repository (or an ancestor of it);
/// skipped, saying so, where a clone does not have it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string relativePath)
    {
        if (SharedData.Find(relativePath) is null)
        {
            Skip = $"The recorded data shared/data/{relativePath} is not present beside this clone; it is never copied into the repository.";
        }
    }
}

/// <summary>Finds files of the shared data folder and of the repository from the test assembly's location.</summary>
internal static class SharedData
{
    public static string? Find(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", relativePath);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string RepositoryFile(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telematics.sln")))
            {
                return Path.Combine(dir.FullName, relativePath);
            }
        }

        throw new InvalidOperationException("Telematics.sln not found above the test assembly.");
    }
}
