using System.Security.Cryptography;
using System.Text;
using Discovery.Abstractions.Security;

namespace Discovery.Grains.Security;

/// <summary>
/// API keys: <c>dsk_&lt;id&gt;_&lt;secret&gt;</c>, a public id (what revocation and the audit log name) and 256 random
/// bits of secret. The cluster stores a salted SHA-256 of the secret, never the secret. A slow hash (PBKDF2) protects
/// guessable passwords; a 256-bit random secret cannot be guessed, and a fast hash keeps verification cheap.
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "dsk_";
    private const int IdBytes = 8, SecretBytes = 32, SaltBytes = 16;

    /// <summary>A new key for <paramref name="principal"/>: the credential to hand out and what to store.</summary>
    public static (string KeyId, string Credential, StoredApiKey Stored) Create(Principal principal, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (id, $"{Prefix}{id}_{secret}", new StoredApiKey(principal, salt, Hash(salt, secret), now, expiresAt));
    }

    /// <summary>Splits a credential that looks like an API key into its id and secret.</summary>
    public static bool TryParse(string credential, out string keyId, out string secret)
    {
        (keyId, secret) = ("", "");
        if (!credential.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var rest = credential.AsSpan(Prefix.Length);
        var cut = rest.IndexOf('_');
        if (cut != IdBytes * 2 || !rest[..cut].ToString().All(Uri.IsHexDigit) || rest.Length == cut + 1)
            return false;
        (keyId, secret) = (rest[..cut].ToString(), rest[(cut + 1)..].ToString());
        return true;
    }

    /// <summary>True when <paramref name="secret"/> is the secret <paramref name="stored"/> was made from (in constant time).</summary>
    public static bool Matches(StoredApiKey stored, string secret) =>
        CryptographicOperations.FixedTimeEquals(Hash(stored.Salt, secret), stored.Hash);

    private static byte[] Hash(byte[] salt, string secret) => SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(secret)]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
