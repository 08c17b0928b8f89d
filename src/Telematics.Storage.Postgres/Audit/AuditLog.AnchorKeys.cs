using System.Security.Cryptography;

namespace Telematics.Storage.Postgres.Audit;

public sealed partial class AuditLog
{
    /// <summary>
    /// The public keys anchors are checked with, by key id: the current key and those of earlier rotations. An anchor of
    /// another key is unverifiable, not broken, so a key change or a junk row (the application role may insert an anchor
    /// whose seq and head hash match the chain, migration 0029) never makes the log unverifiable for good.
    /// </summary>
    private sealed class AnchorKeys : IDisposable
    {
        private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

        public AnchorKeys(IAuditSigningKeyProvider? current, IEnumerable<IAuditSigningKeyProvider> previous)
        {
            foreach (var provider in previous.Prepend(current))
            {
                if (provider is not null && !_keys.ContainsKey(provider.KeyId))
                {
                    _keys.Add(provider.KeyId, provider.CreateVerificationKey());
                }
            }
        }

        /// <summary>
        /// Anchoring's setting: an anchor whose signature fails is skipped as unverifiable. Its head hash is still compared
        /// with the chain, so it cannot hide a rewrite; it only must not stop the chain from being signed again.
        /// </summary>
        public bool SkipBadSignatures { get; init; }

        /// <summary>Why the anchor's signature fails (null when it verifies or no key of its id is known) and whether it verified.</summary>
        public (string? Problem, bool Verified) Check(AuditAnchor anchor)
        {
            if (!_keys.TryGetValue(anchor.KeyId, out var key))
            {
                return (null, false);
            }

            if (key.VerifyData(AnchorPayload(anchor.Seq, anchor.HeadHash.Span), anchor.Signature.Span, HashAlgorithmName.SHA256))
            {
                return (null, true);
            }

            return SkipBadSignatures ? (null, false) : ($"the anchor signature at row {anchor.Seq} does not verify (the anchor was forged or altered)", false);
        }

        public void Dispose()
        {
            foreach (var key in _keys.Values)
            {
                key.Dispose();
            }
        }
    }
}
