namespace Discovery.Abstractions.Security;

/// <summary>
/// Who is calling, and the administrators' identity operations: tenants, their API keys and signed tokens. Any silo
/// answers (key 0). A secret is returned once, when it is issued; the cluster keeps only its salted hash.
/// </summary>
[Alias("discovery.identity")]
public interface IIdentityGrain : IGrainWithIntegerKey
{
    /// <summary>The verified caller (any authenticated caller); null when security is off.</summary>
    [Alias("whoami")]
    Task<Principal?> WhoAmIAsync();

    /// <summary>Creates tenant <paramref name="tenant"/> and issues its first API key (administrators).</summary>
    [Alias("create-tenant")]
    Task<IssuedKey> CreateTenantAsync(string tenant, TimeSpan? validFor = null);

    /// <summary>Issues another API key for an existing tenant, or for an administrator with <see cref="Role.Admin"/> (administrators).</summary>
    [Alias("issue-key")]
    Task<IssuedKey> IssueKeyAsync(string name, Role role, TimeSpan? validFor = null);

    /// <summary>Revokes an API key by its id; calls with it fail from then on (administrators).</summary>
    [Alias("revoke-key")]
    Task RevokeKeyAsync(string keyId);

    /// <summary>
    /// A signed token (HMAC JWT with the operator's key) for <paramref name="name"/> in <paramref name="role"/>, valid
    /// for <paramref name="validFor"/> (administrators; needs <c>Discovery:Security:TokenSigningKey</c>).
    /// </summary>
    [Alias("issue-token")]
    Task<string> IssueTokenAsync(string name, Role role, TimeSpan validFor);

    /// <summary>Every tenant's name, in order (administrators).</summary>
    [Alias("tenants")]
    Task<IReadOnlyList<string>> ListTenantsAsync();

    /// <summary>The most recent audit entries, newest last (administrators).</summary>
    [Alias("audit")]
    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(int count = 100);
}

/// <summary>An API key as issued: its public id and the whole secret credential to give to the client.</summary>
/// <param name="KeyId">The key's id (not secret): what revocation and the audit log name.</param>
/// <param name="Credential">The credential to pass to the SDK or the CLI; shown only now.</param>
/// <param name="Principal">Who the key speaks for.</param>
/// <param name="ExpiresAt">When it stops working, or null for never.</param>
[GenerateSerializer, Immutable, Alias("discovery.issued-key")]
public sealed record IssuedKey(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Credential,
    [property: Id(2)] Principal Principal,
    [property: Id(3)] DateTimeOffset? ExpiresAt);

/// <summary>One refusal, as the audit log keeps it.</summary>
/// <param name="At">When.</param>
/// <param name="Caller">Who asked (<c>tenant:acme</c>), or <c>anonymous</c>.</param>
/// <param name="Operation">What was asked, with the grain it targeted.</param>
/// <param name="Reason">Why it was refused.</param>
[GenerateSerializer, Immutable, Alias("discovery.audit-entry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Caller,
    [property: Id(2)] string Operation,
    [property: Id(3)] string Reason);
