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
            if (trimmed.SequenceEqual(token) || (_ignoreCase && Ascii.EqualsIgnoreCase(trimmed, token)))
            {
                value = _values[i];
                return true;
            }
        }

        value = default!;
        return false;
    }
}
