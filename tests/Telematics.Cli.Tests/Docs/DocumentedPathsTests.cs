using System.Text.RegularExpressions;

namespace Telematics.Cli.Tests.Docs;

/// <summary>
/// The READMEs and docs name only repository paths that exist: every inline-code span that starts with a top-level
/// folder of the repository (<c>src/</c>, <c>docs/</c>, <c>scripts/</c>, …) must name a file or folder in the working tree.
/// </summary>
public sealed partial class DocumentedPathsTests
{
    private static readonly string[] TopLevel = ["src", "docs", "samples", "scripts", "tests", "benchmarks", "eng"];

    [Fact]
    public void Every_path_named_in_the_docs_exists()
    {
        var root = RepositoryRoot();
        var broken = new List<string>();
        var checkedPaths = 0;
        foreach (var document in Documents(root))
        {
            var text = File.ReadAllText(document);
            var packageReadme = Path.GetDirectoryName(Path.GetDirectoryName(document)) is { } parent
                && Path.GetFileName(document) == "README.md" && Path.GetFileName(parent) is "src" or "samples";
            var named = NamedPaths(text).Select(path => Path.Combine(root, path));
            if (packageReadme)
            {
                // A package's README names its own sources relative to itself: `Rules/DefaultRuleWeights.cs`.
                named = named.Concat(PackageRelativeSources(text).Select(path => Path.Combine(Path.GetDirectoryName(document)!, path)));
            }

            foreach (var path in named)
            {
                checkedPaths++;
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{Path.GetRelativePath(root, document)}: `{Path.GetRelativePath(root, path)}` does not exist");
                }
            }
        }

        Assert.True(checkedPaths > 0, "no repository paths were found in the docs: the scan is not reading them");
        Assert.True(broken.Count == 0, "Docs name paths that are not in the repository:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void The_scan_finds_paths_in_inline_code_and_ignores_fenced_blocks_globs_and_build_output()
    {
        var text = """
            See `src/Telematics.Features/README.md` and `docs/cli.md#exit-codes` and `scripts/pg.sh:12`.
            Not paths: `dotnet build`, `src/**/*.cs`, `samples/Telematics.Cli/bin/Release/net10.0/telematics.dll`, `http://x/src/a`.
            ```
            cat `src/inside/a/fence.md`
            ```
            """;

        Assert.Equal(["src/Telematics.Features/README.md", "docs/cli.md", "scripts/pg.sh"], NamedPaths(text));
    }

    [Fact]
    public void A_package_readme_names_its_own_sources_relative_to_itself()
    {
        var text = "See `Rules/DefaultRuleWeights.cs`, `Onnx/Reader.cs:40`, not `Europe/Paris` nor `src/A/B.cs`.";

        Assert.Equal(["Rules/DefaultRuleWeights.cs", "Onnx/Reader.cs"], PackageRelativeSources(text));
    }

    internal static List<string> PackageRelativeSources(string markdown) =>
        InlineCode().Matches(Fence().Replace(markdown, string.Empty))
            .Select(span => span.Groups[1].Value)
            .Select(candidate => candidate.IndexOfAny(['#', ':']) is var end and >= 0 ? candidate[..end] : candidate)
            .Where(candidate => RelativeSource().IsMatch(candidate) && !TopLevel.Contains(candidate[..candidate.IndexOf('/', StringComparison.Ordinal)], StringComparer.Ordinal))
            .ToList();

    /// <summary>README.md, docs/**/*.md, src/*/README.md and samples/*/README.md.</summary>
    private static IEnumerable<string> Documents(string root)
    {
        yield return Path.Combine(root, "README.md");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
        {
            yield return file;
        }

        foreach (var folder in new[] { "src", "samples" })
        {
            foreach (var project in Directory.EnumerateDirectories(Path.Combine(root, folder)))
            {
                var readme = Path.Combine(project, "README.md");
                if (File.Exists(readme))
                {
                    yield return readme;
                }
            }
        }
    }

    internal static List<string> NamedPaths(string markdown)
    {
        var withoutFences = Fence().Replace(markdown, string.Empty);
        var paths = new List<string>();
        foreach (Match span in InlineCode().Matches(withoutFences))
        {
            var candidate = span.Groups[1].Value;
            var slash = candidate.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || !TopLevel.Contains(candidate[..slash], StringComparer.Ordinal))
            {
                continue;
            }

            // Globs, placeholders and build output are patterns, not paths.
            if (candidate.IndexOfAny(['*', '{', '<', '$', ' ']) >= 0 || candidate.Contains("/bin/", StringComparison.Ordinal) || candidate.Contains("/obj/", StringComparison.Ordinal))
            {
                continue;
            }

            // `docs/cli.md#section` and `scripts/pg.sh:12` name the file before the anchor or line.
            var end = candidate.IndexOfAny(['#', ':']);
            paths.Add(end < 0 ? candidate : candidate[..end]);
        }

        return paths;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Telematics.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Telematics.sln above {AppContext.BaseDirectory}: the docs check must run from the repository's build output.");
    }

    [GeneratedRegex("^[ \\t]*```.*?^[ \\t]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex("`([^`\\n]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)*/[A-Za-z0-9_.-]+\\.cs$")]
    private static partial Regex RelativeSource();
}
