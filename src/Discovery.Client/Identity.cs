using Discovery.Abstractions.Security;

namespace Discovery.Client;

/// <summary>
/// Who this client is, and what administrators do with identities: create tenants, issue and revoke API keys, issue
/// signed tokens, read the audit log of refusals. Calls other than <see cref="WhoAmIAsync"/> need an administrator's
/// credential and fail with <see cref="ForbiddenException"/> otherwise.
/// </summary>
public sealed class Identity
{
    private readonly IClusterClient _grains;
    private readonly Calls _calls;

    internal Identity(IClusterClient grains, Calls calls) => (_grains, _calls) = (grains, calls);

    private IIdentityGrain Grain => _grains.GetGrain<IIdentityGrain>(0);

    /// <summary>The caller as the cluster verified it; null when the cluster runs without security.</summary>
    public Task<Principal?> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        _calls.RunAsync("who am I", () => Grain.WhoAmIAsync(), cancellationToken);

    /// <summary>Creates a tenant and returns its first API key (shown only now).</summary>
    public Task<IssuedKey> CreateTenantAsync(string tenant, TimeSpan? validFor = null, CancellationToken cancellationToken = default) =>
        _calls.RunAsync($"creation of tenant {tenant}", () => Grain.CreateTenantAsync(tenant, validFor), cancellationToken);

    /// <summary>Issues another API key for a tenant, or an administrator's key with <see cref="Role.Admin"/>.</summary>
    public Task<IssuedKey> IssueKeyAsync(string name, Role role = Role.Tenant, TimeSpan? validFor = null, CancellationToken cancellationToken = default) =>
        _calls.RunAsync($"key for {name}", () => Grain.IssueKeyAsync(name, role, validFor), cancellationToken);

    /// <summary>Revokes an API key by its id.</summary>
    public Task RevokeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        _calls.RunAsync($"revocation of key {keyId}", () => Grain.RevokeKeyAsync(keyId), cancellationToken);

    /// <summary>A signed token for <paramref name="name"/>, valid for <paramref name="validFor"/>.</summary>
    public Task<string> IssueTokenAsync(string name, TimeSpan validFor, Role role = Role.Tenant, CancellationToken cancellationToken = default) =>
        _calls.RunAsync($"token for {name}", () => Grain.IssueTokenAsync(name, role, validFor), cancellationToken);

    /// <summary>Every tenant's name.</summary>
    public Task<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken = default) =>
        _calls.RunAsync("list of tenants", () => Grain.ListTenantsAsync(), cancellationToken);

    /// <summary>A tenant's quota: its limits and what its VEs and images hold (the tenant itself, or administrators).</summary>
    public Task<QuotaStatus> QuotaAsync(string tenant, CancellationToken cancellationToken = default) =>
        _calls.RunAsync($"quota of {tenant}", () => _grains.GetGrain<ITenantQuotaGrain>(tenant).GetAsync(), cancellationToken);

    /// <summary>Sets a tenant's limits (administrators); null leaves a resource unlimited.</summary>
    public Task<QuotaStatus> SetQuotaAsync(string tenant, QuotaLimits limits, CancellationToken cancellationToken = default) =>
        _calls.RunAsync($"quota of {tenant}", () => _grains.GetGrain<ITenantQuotaGrain>(tenant).SetLimitsAsync(limits), cancellationToken);

    /// <summary>The most recent refusals, newest last.</summary>
    public Task<IReadOnlyList<AuditEntry>> AuditAsync(int count = 100, CancellationToken cancellationToken = default) =>
        _calls.RunAsync("audit log", () => Grain.GetAuditAsync(count), cancellationToken);
}
