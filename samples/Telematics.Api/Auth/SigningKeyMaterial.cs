using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Telematics.Api.Auth;

/// <summary>The symmetric key tokens are signed and validated with, resolved once at start-up.</summary>
internal sealed class SigningKeyMaterial
{
    /// <summary>The smallest key accepted: 32 bytes, the HMAC-SHA256 output size (RFC 7518 §3.2).</summary>
    public const int MinimumKeyBytes = 32;

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

        return new SigningKeyMaterial(new SymmetricSecurityKey(bytes), generated: false);
    }
}
