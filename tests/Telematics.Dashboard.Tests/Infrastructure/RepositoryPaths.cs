using Telematics.Testing;

namespace Telematics.Dashboard.Tests.Infrastructure;

/// <summary>Where the built host and CLI are: the Release (or Debug) output beside this test assembly's configuration.</summary>
internal static class RepositoryPaths
{
    public static string Root => RepositoryRoot.Path;

    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string HostDll => Path.Combine(Root, "samples", "Telematics.Api", "bin", Configuration, "net10.0", "Telematics.Api.dll");

    public static string CliDll => Path.Combine(Root, "samples", "Telematics.Cli", "bin", Configuration, "net10.0", "telematics.dll");
}
