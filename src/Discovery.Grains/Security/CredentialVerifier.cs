using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Discovery.Abstractions.Security;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Security;

/// <summary>
/// Turns a credential into a verified <see cref="Principal"/> or an <see cref="UnauthenticatedException"/> that says
/// what is wrong: the bootstrap key, an API key (checked against its salted hash, cached for
/// <see cref="SecurityOptions.KeyCacheTtl"/>) or a signed token. One per silo.
/// </summary>
public sealed class CredentialVerifier(IOptions<SecurityOptions> options, IGrainFactory grains, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (Principal Principal, DateTimeOffset Until)> _verified = new();

    /// <summary>Who <paramref name="credential"/> speaks for.</summary>
    public async Task<Principal> VerifyAsync(string? credential)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(credential))
            throw new UnauthenticatedException("no credential: this cluster requires one (DiscoveryClientOptions.Credential, or `discovery --key`, $DISCOVERY_KEY, `discovery login`)");
        if (o.AdminKey is { } admin && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(credential), Encoding.UTF8.GetBytes(admin)))
            return new Principal(o.AdminName, Role.Admin);
        if (ApiKeys.TryParse(credential, out var keyId, out var secret))
            return await VerifyKeyAsync(keyId, secret, credential, o);
        if (Tokens.LooksLikeToken(credential))
            return o.TokenSigningKey is { } signingKey
                ? await Tokens.ValidateAsync(credential, signingKey, o.TokenIssuer, o.ClockSkew, time)
                : throw new UnauthenticatedException("token rejected: this cluster accepts no tokens (no Security:TokenSigningKey); use an API key");
        throw new UnauthenticatedException("the credential is neither an API key (dsk_…) nor a token");
    }

    private async Task<Principal> VerifyKeyAsync(string keyId, string secret, string credential, SecurityOptions o)
    {
        var now = time.GetUtcNow();
        // Cached under a hash of the credential, so the silo's memory holds no secret.
        var cacheKey = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));
        if (_verified.TryGetValue(cacheKey, out var hit) && hit.Until > now)
            return hit.Principal;
        var verified = await grains.GetGrain<IApiKeyGrain>(keyId).VerifyAsync(secret)
            ?? throw new UnauthenticatedException($"API key {keyId} is unknown, revoked or expired");
        var until = now + o.KeyCacheTtl;
        if (verified.ExpiresAt is { } expires && expires < until)
            until = expires;
        if (o.KeyCacheTtl > TimeSpan.Zero)
            _verified[cacheKey] = (verified.Principal, until);
        return verified.Principal;
    }
}
