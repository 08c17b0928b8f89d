using System.Text;

namespace Telematics.Features.Ingest.Text;

/// <summary>
/// A small set of text tokens ("NPI", "Yes") matched against trimmed bytes without allocating; ASCII letters compare
/// case-insensitively when asked. The tokens are UTF-8, or encoded once into the file's encoding (a CSV mapping's
/// <see cref="Csv.CsvEncoding"/>), so that records are compared as bytes whatever the encoding.
/// </summary>
internal sealed class Utf8TokenSet<TValue>
{
    private readonly byte[][] _tokens;
    private readonly TValue[] _values;
    private readonly bool _ignoreCase;

    public Utf8TokenSet(IEnumerable<KeyValuePair<string, TValue>> tokens, bool ignoreCase)
        : this(tokens, ignoreCase, static token => Encoding.UTF8.GetBytes(token))
    {
    }

    /// <summary>Encodes the tokens once with <paramref name="encode"/>.</summary>
    /// <param name="tokens">The texts and what each means.</param>
    /// <param name="ignoreCase">Whether ASCII letters compare case-insensitively.</param>
    /// <param name="encode">The bytes of a trimmed token in the file's encoding; may throw for a token the encoding cannot hold.</param>
    public Utf8TokenSet(IEnumerable<KeyValuePair<string, TValue>> tokens, bool ignoreCase, Func<string, byte[]> encode)
    {
        var keys = new List<byte[]>();
        var values = new List<TValue>();
        foreach (var (token, value) in tokens)
        {
            keys.Add(encode(token.Trim()));
            values.Add(value);
        }

        _tokens = [.. keys];
        _values = [.. values];
        _ignoreCase = ignoreCase;
    }

    /// <summary>Whether any token's UTF-8 bytes satisfy <paramref name="predicate"/>.</summary>
    public bool AnyToken(Func<byte[], bool> predicate)
    {
        foreach (var token in _tokens)
        {
            if (predicate(token))
            {
                return true;
            }
        }

        return false;
    }

    public bool TryMatch(ReadOnlySpan<byte> trimmed, out TValue value)
    {
        for (var i = 0; i < _tokens.Length; i++)
        {
            var token = _tokens[i];
            if (trimmed.SequenceEqual(token) || (_ignoreCase && EqualIgnoringAsciiCase(trimmed, token)))
            {
                value = _values[i];
                return true;
            }
        }

        value = default!;
        return false;
    }

    // Ascii.EqualsIgnoreCase is false for any non-ASCII byte, so "não" would never match "Não": fold ASCII letters only,
    // and compare every other byte (UTF-8 or single-byte) as it is.
    private static bool EqualIgnoringAsciiCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x != y && ((x | 0x20) != (y | 0x20) || (uint)((x | 0x20) - 'a') > 'z' - 'a'))
            {
                return false;
            }
        }

        return true;
    }
}
