using Telematics.Fuzz;

namespace Telematics.Fuzz.Tests;

/// <summary>
/// Every input in <c>fuzz/regressions/TARGET/</c> (a crash a fuzzer found, kept after its fix) is refused or accepted
/// by its target without an undocumented exception, and every seed of <c>fuzz/corpus/TARGET/</c> (committed or
/// generated) is accepted, so the fuzzers keep starting from valid input as the formats change.
/// </summary>
public sealed class FuzzReplayTests : IClassFixture<FuzzReplayTests.GeneratedSeeds>
{
    private static readonly string Root = FindFuzzFolder();

    private readonly GeneratedSeeds _seeds;

    public FuzzReplayTests(GeneratedSeeds seeds) => _seeds = seeds;

    public static TheoryData<string, string> Regressions() => Files(Path.Combine(Root, "regressions"));

    public static TheoryData<string, string> CommittedSeeds() => Files(Path.Combine(Root, "corpus"));

    [Theory]
    [MemberData(nameof(Regressions))]
    public void A_found_crash_is_now_a_documented_refusal_or_accepted(string target, string file)
    {
        var run = Target(target);

        var exception = Record.Exception(() => run(File.ReadAllBytes(Path.Combine(Root, "regressions", target, file))));

        Assert.Null(exception);
    }

    [Theory]
    [MemberData(nameof(CommittedSeeds))]
    public void A_committed_seed_is_accepted(string target, string file) =>
        Assert.Null(Target(target)(File.ReadAllBytes(Path.Combine(Root, "corpus", target, file))));

    [Fact]
    public void The_generated_seeds_are_accepted()
    {
        Assert.Null(Target("binary")(File.ReadAllBytes(Path.Combine(_seeds.Folder, "binary", "basic.bin"))));
        Assert.Null(Target("manifest")(File.ReadAllBytes(Path.Combine(_seeds.Folder, "manifest", "linear.json"))));
    }

    [Fact]
    public void Every_target_has_a_seed_folder()
    {
        foreach (var target in FuzzTargets.All)
        {
            Assert.True(
                Directory.Exists(Path.Combine(Root, "corpus", target.Name)) || Directory.Exists(Path.Combine(_seeds.Folder, target.Name)),
                $"no seeds for fuzz target {target.Name}");
        }
    }

    private static Func<byte[], string?> Target(string name) =>
        (FuzzTargets.Find(name) ?? throw new InvalidOperationException($"no fuzz target named {name}")).Run;

    private static TheoryData<string, string> Files(string folder)
    {
        var data = new TheoryData<string, string>();
        if (Directory.Exists(folder))
        {
            foreach (var targetFolder in Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal))
            {
                foreach (var file in Directory.EnumerateFiles(targetFolder).Order(StringComparer.Ordinal))
                {
                    data.Add(Path.GetFileName(targetFolder), Path.GetFileName(file));
                }
            }
        }

        return data;
    }

    private static string FindFuzzFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var fuzz = Path.Combine(dir.FullName, "fuzz", "corpus");
            if (Directory.Exists(fuzz))
            {
                return Path.Combine(dir.FullName, "fuzz");
            }
        }

        throw new DirectoryNotFoundException("fuzz/corpus not found above the test's folder");
    }

    /// <summary>The seeds the harness generates, written once into a temporary folder.</summary>
    public sealed class GeneratedSeeds : IDisposable
    {
        public GeneratedSeeds()
        {
            Folder = Directory.CreateTempSubdirectory("fuzz-seeds-").FullName;
            Directory.CreateDirectory(Path.Combine(Folder, "csv"));
            File.Copy(Path.Combine(Root, "corpus", "csv", "basic.csv"), Path.Combine(Folder, "csv", "basic.csv"));
            Seeds.WriteAsync(Folder).GetAwaiter().GetResult();
        }

        public string Folder { get; }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
