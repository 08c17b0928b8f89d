using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Telematics.Scoring.Registry;
using Telematics.Scoring.Tests.TestModels;

namespace Telematics.Scoring.Tests.Registry;

/// <summary>Versions are kept in a sorted list searched by binary search, which finds a present version only if the order is total.</summary>
public sealed class VersionOrderTests : IDisposable
{
    private readonly TestPackages _packages = new();

    public void Dispose() => _packages.Dispose();

    [Fact]
    public void Numbered_versions_with_and_without_suffixes_are_all_found_and_aliased()
    {
        // 9 < 10 < 10a, but the old comparer put 10a before 9 (ordinally): a cycle that made the search miss 10a.
        _packages.WriteConstantVersion("m", 10);
        WriteVersion("10a", 7);
        foreach (var version in new[] { 8, 9 })
        {
            var manifest = ConstantManifest(version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            File.Move(_packages.WriteZip($"m-{version}.zip", manifest, TestOnnxModels.Constant(version)), Path.Combine(_packages.ModelsRoot, "m", $"{version}.zip"));
        }

        ModelAliases.Set(Path.Combine(_packages.ModelsRoot, "m"), "challenger", "10a");
        using var registry = _packages.OpenRegistry();

        Assert.Empty(registry.GetStatus().LastReloadFailures);
        using var direct = registry.Acquire("m", "10a");
        using var aliased = registry.Acquire("m", "challenger");
        using var highest = registry.Acquire("m");
        Assert.Equal(7f, TestPackages.RawOutput(direct));
        Assert.Equal(7f, TestPackages.RawOutput(aliased));
        Assert.Equal("10a", highest.Package.Version);
        Assert.Equal(["8", "9", "10", "10a"], registry.Models.Where(m => m.Name == "m").Select(m => m.Version));
    }

    [Theory]
    [InlineData("2", "10")]
    [InlineData("1.2", "1.10")]
    [InlineData("1", "01")]
    [InlineData("9", "10a")]
    [InlineData("10", "10a")]
    [InlineData("1.0", "1.0-beta")]
    [InlineData("1", "1.0")]
    [InlineData("7", "a")]
    public void Orders_numerically_then_by_suffix(string lower, string higher)
    {
        Assert.True(VersionComparer.Instance.Compare(lower, higher) < 0);
        Assert.True(VersionComparer.Instance.Compare(higher, lower) > 0);
    }

    [Property(Arbitrary = [typeof(Versions)], MaxTest = 500)]
    public Property Is_a_total_order(string[] versions)
    {
        var comparer = VersionComparer.Instance;
        var problems = new List<string>();
        foreach (var x in versions)
        {
            foreach (var y in versions)
            {
                var xy = Math.Sign(comparer.Compare(x, y));
                if (xy != -Math.Sign(comparer.Compare(y, x)) || (xy == 0) != (x == y))
                {
                    problems.Add($"{x} ? {y}: not antisymmetric");
                }

                foreach (var z in versions)
                {
                    if (xy <= 0 && comparer.Compare(y, z) <= 0 && comparer.Compare(x, z) > 0)
                    {
                        problems.Add($"{x} <= {y} <= {z} but {x} > {z}");
                    }
                }
            }
        }

        return (problems.Count == 0).Label(string.Join("; ", problems.Take(3)));
    }

    private void WriteVersion(string version, int output)
    {
        _packages.WriteFolder(Path.Combine("models", "m", version), ConstantManifest(version), TestOnnxModels.Constant(output));
    }

    private static System.Text.Json.Nodes.JsonObject ConstantManifest(string version)
    {
        var manifest = TestPackages.TreeClassifierManifest("m", version);
        manifest["output"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "variable", ["kind"] = "score" };
        manifest["calibration"] = new System.Text.Json.Nodes.JsonObject { ["kind"] = "linear", ["scale"] = 10, ["offset"] = 0 };
        return manifest;
    }

    public static class Versions
    {
        // Few symbols, so that numbers, suffixes, leading zeros and segment counts collide often; every name is a valid version.
        public static Arbitrary<string[]> Names()
        {
            var first = Gen.Elements("019aZ".ToCharArray());
            var rest = Gen.Elements("0019a.-_".ToCharArray());
            var name =
                from head in first
                from length in Gen.Choose(0, 5)
                from tail in rest.ArrayOf(length)
                select head + new string(tail);
            return (from count in Gen.Choose(2, 9) from names in name.ArrayOf(count) select names).ToArbitrary();
        }
    }
}
