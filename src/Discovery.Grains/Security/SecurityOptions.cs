namespace Discovery.Grains.Security;

/// <summary>
/// Who may call the cluster (<c>Discovery:Security:*</c>). Off by default so the embedded demo needs nothing; an
/// operator switches it on with an administrators' bootstrap key, from which tenants and their keys are made.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>The shortest bootstrap key or token signing key accepted: 256 bits of text, what HMAC-SHA256 needs.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>When true, every call from a client must carry a valid credential and may touch only what its caller owns.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The administrators' bootstrap credential (<c>Discovery:Security:AdminKey</c>, at least <see cref="MinimumKeyLength"/>
    /// characters): with it an operator creates tenants and issues further keys. Keep it out of files others read.
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>The name the bootstrap key's caller has in the audit log.</summary>
    public string AdminName { get; set; } = "admin";

    /// <summary>
    /// The HMAC key that signs and verifies tokens (<c>Discovery:Security:TokenSigningKey</c>); null: tokens are not
    /// accepted, only API keys. Every silo must have the same one.
    /// </summary>
    public string? TokenSigningKey { get; set; }

    /// <summary>The issuer and audience written in, and required of, every token.</summary>
    public string TokenIssuer { get; set; } = "discovery";

    /// <summary>How far silos' and token issuers' clocks may disagree about a token's expiry.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a silo trusts an API key it verified without asking again: a revoked key keeps working at most this
    /// long. Zero asks on every call.
    /// </summary>
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many refusals the audit grain keeps (the oldest go first); the log category <c>Discovery.Audit</c> keeps all.</summary>
    public int AuditCapacity { get; set; } = 10_000;

    /// <summary>Null when usable, else which value is wrong and what would be valid.</summary>
    public string? Validate() =>
        Enabled && string.IsNullOrEmpty(AdminKey) ? "Security:Enabled needs Security:AdminKey (at least 32 characters; e.g. `openssl rand -base64 32`)"
        : AdminKey is { Length: < MinimumKeyLength } ? $"Security:AdminKey must be at least {MinimumKeyLength} characters (got {AdminKey.Length})"
        : TokenSigningKey is { Length: < MinimumKeyLength } ? $"Security:TokenSigningKey must be at least {MinimumKeyLength} characters (got {TokenSigningKey.Length})"
        : string.IsNullOrWhiteSpace(AdminName) ? "Security:AdminName must not be empty"
        : ClockSkew < TimeSpan.Zero ? $"Security:ClockSkew must not be negative (got {ClockSkew})"
        : KeyCacheTtl < TimeSpan.Zero ? $"Security:KeyCacheTtl must not be negative (got {KeyCacheTtl})"
        : AuditCapacity < 1 ? $"Security:AuditCapacity must be at least 1 (got {AuditCapacity})"
        : null;
}
