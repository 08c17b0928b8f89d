using System.Buffers;
using System.IO.Hashing;
using System.Text;
using System.Text.Unicode;

namespace Telematics.Scoring.Experiments;

/// <summary>
/// The stable hash that places a driver in one of <see cref="Count"/> buckets of an experiment.
/// </summary>
/// <remarks>
/// <para>
/// Canonical form, identical on every process, machine and restart: the salt and the driver id are each
/// transcoded from UTF-16 to UTF-8 exactly as given (ordinal, case-sensitive, no Unicode normalisation; a
/// lone surrogate is refused rather than replaced, so two different ids never share an encoding). Then
/// <c>seed = XxHash3_64(utf8(salt), seed: 0)</c> reinterpreted as a signed 64-bit integer,
/// <c>h = XxHash3_64(utf8(driverId), seed)</c>, and <c>bucket = ⌊h × 10 000 / 2⁶⁴⌋</c> (the high
/// 64 bits of the 128-bit product, which spreads the hash evenly over the buckets without a modulo).
/// </para>
/// <para>All members are pure and thread-safe; <see cref="Compute(ulong, ReadOnlySpan{char})"/> allocates nothing.</para>
/// </remarks>
public static class ExperimentBuckets
{
    /// <summary>Number of buckets: one per basis point, so a weight of <c>w</c> basis points owns <c>w</c> buckets.</summary>
    public const int Count = 10_000;

    // Ids up to this many UTF-8 bytes are encoded on the stack; longer ids borrow a pooled buffer.
    private const int StackLimitBytes = 256;

    /// <summary>Returns the 64-bit seed derived from an experiment salt.</summary>
    /// <param name="salt">The experiment salt; any non-empty text.</param>
    /// <exception cref="ArgumentException">The salt is empty or holds a lone surrogate.</exception>
    public static ulong SeedFromSalt(string salt)
    {
        ArgumentException.ThrowIfNullOrEmpty(salt);
        return HashUtf8(salt, 0, nameof(salt));
    }

    /// <summary>Returns the bucket, 0 to <see cref="Count"/> − 1, of <paramref name="driverId"/> for the salt that produced <paramref name="seed"/>.</summary>
    /// <param name="seed">The value of <see cref="SeedFromSalt(string)"/> for the experiment's salt.</param>
    /// <param name="driverId">The driver id, non-empty.</param>
    /// <exception cref="ArgumentException">The id is empty or holds a lone surrogate.</exception>
    public static int Compute(ulong seed, ReadOnlySpan<char> driverId)
    {
        if (driverId.IsEmpty)
        {
            throw new ArgumentException("A driver id cannot be empty.", nameof(driverId));
        }

        var hash = HashUtf8(driverId, seed, nameof(driverId));
        return (int)Math.BigMul(hash, Count, out _);
    }

    /// <summary>Returns the bucket of <paramref name="driverId"/> in an experiment salted with <paramref name="salt"/>.</summary>
    /// <param name="salt">The experiment salt, non-empty.</param>
    /// <param name="driverId">The driver id, non-empty.</param>
    /// <exception cref="ArgumentException">The salt or id is empty or holds a lone surrogate.</exception>
    public static int Compute(string salt, ReadOnlySpan<char> driverId) => Compute(SeedFromSalt(salt), driverId);

    private static ulong HashUtf8(ReadOnlySpan<char> text, ulong seed, string parameterName)
    {
        // UTF-8 never needs more than 3 bytes per UTF-16 code unit.
        var maxBytes = text.Length * 3;
        byte[]? rented = null;
        // Sized to the id, not to the limit: stackalloc zeroes what it reserves, and that is per call.
        var buffer = maxBytes <= StackLimitBytes
            ? stackalloc byte[maxBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var status = Utf8.FromUtf16(text, buffer, out _, out var written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                throw new ArgumentException("The text holds a lone UTF-16 surrogate and has no canonical UTF-8 form.", parameterName);
            }

            return XxHash3.HashToUInt64(buffer[..written], unchecked((long)seed));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
