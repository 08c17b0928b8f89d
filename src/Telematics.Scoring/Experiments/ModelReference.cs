using System.Diagnostics.CodeAnalysis;

namespace Telematics.Scoring.Experiments;

/// <summary>
/// Names the model a variant is served by: either an alias of the registry (<c>champion</c>) or a pinned
/// version (<c>risk-gbm@3.0.0</c>).
/// </summary>
/// <remarks>
/// Names, aliases and versions use letters, digits, <c>.</c>, <c>_</c> and <c>-</c> only, 1–100 characters
/// each. Comparison is ordinal. The value is immutable and safe to share between threads.
/// </remarks>
public readonly record struct ModelReference
{
    private ModelReference(string name, string? version)
    {
        Name = name;
        Version = version;
    }

    /// <summary>The alias (when <see cref="IsAlias"/>) or the model name (when a version is pinned).</summary>
    public string Name { get; }

    /// <summary>The pinned model version, or <see langword="null"/> when this is an alias.</summary>
    public string? Version { get; }

    /// <summary><see langword="true"/> when the reference is an alias resolved by the registry at scoring time.</summary>
    [MemberNotNullWhen(false, nameof(Version))]
    public bool IsAlias => Version is null;

    /// <summary>Parses <c>alias</c> or <c>name@version</c>.</summary>
    /// <param name="text">The reference text.</param>
    /// <exception cref="FormatException">The text is not an alias or <c>name@version</c>; the message says which part is wrong.</exception>
    public static ModelReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);
    }

    /// <summary>Parses <c>alias</c> or <c>name@version</c> without throwing.</summary>
    /// <param name="text">The reference text; <see langword="null"/> fails.</param>
    /// <param name="reference">The parsed reference when the text is valid.</param>
    /// <returns><see langword="true"/> when the text is valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ModelReference reference) =>
        TryParse(text, out reference, out _);

    internal static bool TryParse([NotNullWhen(true)] string? text, out ModelReference reference, [NotNullWhen(false)] out string? error)
    {
        reference = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "A model reference is empty; expected an alias such as 'champion' or 'name@version'.";
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            if (!IsToken(text))
            {
                error = $"Model alias '{text}' may only hold letters, digits, '.', '_' and '-' (1–100 characters).";
                return false;
            }

            reference = new ModelReference(text, null);
            error = null;
            return true;
        }

        var name = text[..at];
        var version = text[(at + 1)..];
        if (!IsToken(name))
        {
            error = $"Model name '{name}' in '{text}' may only hold letters, digits, '.', '_' and '-' (1–100 characters).";
            return false;
        }

        if (!IsToken(version))
        {
            error = $"Model version '{version}' in '{text}' may only hold letters, digits, '.', '_' and '-' (1–100 characters).";
            return false;
        }

        reference = new ModelReference(name, version);
        error = null;
        return true;
    }

    /// <summary>Returns the alias, or <c>name@version</c>.</summary>
    public override string ToString() => Version is null ? Name ?? string.Empty : $"{Name}@{Version}";

    private static bool IsToken(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > 100)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
