using System.Security.Claims;
using System.Text;
using Discovery.Abstractions.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Discovery.Grains.Security;

/// <summary>
/// Signed tokens: HMAC-SHA256 JWTs with the operator's key, naming a principal and an expiry. A silo checks them
/// without asking anyone, so they cannot be revoked before they expire: keep them short-lived.
/// </summary>
public static class Tokens
{
    private const string RoleClaim = "role", SubjectClaim = "sub";

    /// <summary>True when <paramref name="credential"/> has the shape of a JWT (three base64url parts).</summary>
    public static bool LooksLikeToken(string credential) =>
        credential.StartsWith("eyJ", StringComparison.Ordinal) && credential.Count(c => c == '.') == 2;

    /// <summary>A token for <paramref name="principal"/> valid from <paramref name="issuedAt"/> until <paramref name="expiresAt"/>.</summary>
    public static string Create(Principal principal, DateTime issuedAt, DateTime expiresAt, string signingKey, string issuer) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = issuer,
            Subject = new ClaimsIdentity([new Claim(SubjectClaim, principal.Name), new Claim(RoleClaim, principal.Role.ToString().ToLowerInvariant())]),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = expiresAt,
            SigningCredentials = new SigningCredentials(Key(signingKey), SecurityAlgorithms.HmacSha256),
        });

    /// <summary>The token's principal; <see cref="UnauthenticatedException"/> saying why when it is expired, forged or malformed.</summary>
    public static async Task<Principal> ValidateAsync(string token, string signingKey, string issuer, TimeSpan clockSkew, TimeProvider time)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = issuer,
            IssuerSigningKey = Key(signingKey),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = clockSkew,
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, _) => Lifetime(notBefore, expires, clockSkew, time.GetUtcNow().UtcDateTime),
        });
        if (!result.IsValid)
            throw new UnauthenticatedException($"token rejected: {Why(result.Exception)}");
        var name = result.Claims.TryGetValue(SubjectClaim, out var sub) ? sub as string : null;
        var role = result.Claims.TryGetValue(RoleClaim, out var r) && Enum.TryParse<Role>(r as string, ignoreCase: true, out var parsed) ? parsed : (Role?)null;
        if (string.IsNullOrEmpty(name) || role is null)
            throw new UnauthenticatedException("token rejected: it names no subject or role");
        return new Principal(name, role.Value);
    }

    private static bool Lifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew, DateTime now)
    {
        if (expires is null || now - skew >= expires.Value.ToUniversalTime())
            throw new SecurityTokenExpiredException($"it expired at {expires:u}") { Expires = expires ?? DateTime.MinValue };
        if (notBefore is { } nb && now + skew < nb.ToUniversalTime())
            throw new SecurityTokenNotYetValidException($"it is not valid before {nb:u}");
        return true;
    }

    private static string Why(Exception? e) => e switch
    {
        SecurityTokenExpiredException x => x.Message.StartsWith("it expired", StringComparison.Ordinal) ? x.Message : "it has expired",
        SecurityTokenNotYetValidException x => x.Message,
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not match this cluster's signing key (forged, or signed for another cluster)",
        SecurityTokenInvalidIssuerException or SecurityTokenInvalidAudienceException => "it was issued for another cluster",
        SecurityTokenMalformedException or ArgumentException => "it is not a well-formed token",
        null => "unknown reason",
        _ => e.Message,
    };

    private static SymmetricSecurityKey Key(string signingKey) => new(Encoding.UTF8.GetBytes(signingKey));
}
