namespace Telematics.Dashboard.Tests.Infrastructure;

/// <summary>Where the built host and CLI are: the Release (or Debug) output beside this test assembly's configuration.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string HostDll => Path.Combine(Root, "samples", "Telematics.Api", "bin", Configuration, "net10.0", "Telematics.Api.dll");

    public static string CliDll => Path.Combine(Root, "samples", "Telematics.Cli", "bin", Configuration, "net10.0", "telematics.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telematics.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Telematics.sln not found above " + AppContext.BaseDirectory);
    }
}
