using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Telematics.Api.Auth;

/// <summary>The symmetric key tokens are signed and validated with, resolved once at start-up.</summary>
internal sealed class SigningKeyMaterial
{
    /// <summary>The smallest key accepted: 32 bytes, the HMAC-SHA256 output size (RFC 7518 §3.2).</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>
    /// The least estimated entropy of a configured key outside Development: 128 bits, the strength HMAC-SHA256 keys are
    /// meant to give. 48 random bytes in base64 (<c>openssl rand -base64 48</c>) estimate at about 300.
    /// </summary>
    public const double MinimumEntropyBits = 128;

    private SigningKeyMaterial(SymmetricSecurityKey key, bool generated)
    {
        Key = key;
        IsGeneratedForThisProcess = generated;
    }

    /// <summary>The key used for signing and validation.</summary>
    public SymmetricSecurityKey Key { get; }

    /// <summary>True when no key was configured and a random one was made for this process (Development only).</summary>
    public bool IsGeneratedForThisProcess { get; }

    /// <summary>Resolves the key from <c>Auth:SigningKey</c>, or makes a random one in Development.</summary>
    /// <exception cref="InvalidOperationException">
    /// The key is missing outside Development, or shorter than <see cref="MinimumKeyBytes"/> bytes.
    /// </exception>
    public static SigningKeyMaterial Resolve(string? configuredKey, bool isDevelopment)
    {
        if (string.IsNullOrEmpty(configuredKey))
        {
            if (!isDevelopment)
            {
                throw new InvalidOperationException(
                    $"{AuthOptions.SigningKeyKey} is not configured. Outside the Development environment the host refuses to start " +
                    $"without a signing key: set {AuthOptions.SigningKeyKey} (environment variable Auth__SigningKey) to a secret of at " +
                    $"least {MinimumKeyBytes} characters, for example the output of `openssl rand -base64 48`.");
            }

            return new SigningKeyMaterial(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64)), generated: true);
        }

        var bytes = Encoding.UTF8.GetBytes(configuredKey);
        if (bytes.Length < MinimumKeyBytes)
        {
            throw new InvalidOperationException(
                $"{AuthOptions.SigningKeyKey} is {bytes.Length} bytes long; HMAC-SHA256 needs at least {MinimumKeyBytes}.");
        }

        if (!isDevelopment && EstimatedEntropyBits(configuredKey) is var bits && bits < MinimumEntropyBits)
        {
            throw new InvalidOperationException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{AuthOptions.SigningKeyKey} looks guessable: its characters carry about {bits:F0} bits of entropy; at least {MinimumEntropyBits} are needed outside Development. Use a random secret, for example the output of `openssl rand -base64 48`."));
        }

        return new SigningKeyMaterial(new SymmetricSecurityKey(bytes), generated: false);
    }

    /// <summary>
    /// Length times the Shannon entropy of the key's character frequencies: 0 for one repeated character, close to
    /// length × log2(alphabet) for random text. An upper bound for keys with structure (words, patterns), so it refuses
    /// only what is plainly weak; it cannot prove a key random.
    /// </summary>
    internal static double EstimatedEntropyBits(string key)
    {
        var counts = new Dictionary<char, int>();
        foreach (var c in key)
        {
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        double perChar = 0;
        foreach (var count in counts.Values)
        {
            var p = (double)count / key.Length;
            perChar -= p * Math.Log2(p);
        }

        return perChar * key.Length;
    }
}
