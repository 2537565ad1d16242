using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Discovery.Grains.Security;

/// <summary>Issues tenants' and administrators' credentials and answers "who am I"; holds no state of its own.</summary>
[StatelessWorker]
public sealed class IdentityGrain(IOptions<SecurityOptions> options, TimeProvider time, ILogger<IdentityGrain> logger) : Grain, IIdentityGrain
{
    /// <inheritdoc />
    public Task<Principal?> WhoAmIAsync() => Task.FromResult(SecurityContext.Caller);

    /// <inheritdoc />
    public async Task<IssuedKey> CreateTenantAsync(string tenant, TimeSpan? validFor = null)
    {
        RequireName(tenant);
        if (!await GrainFactory.GetGrain<ITenantDirectoryGrain>(0).AddAsync(tenant))
            throw new InvalidOperationException($"tenant '{tenant}' exists already; issue it another key with `discovery tenant key {tenant}`");
        logger.LogInformation("Tenant {Tenant} created by {Caller}", tenant, Caller);
        return await IssueAsync(new Principal(tenant, Role.Tenant), validFor);
    }

    /// <inheritdoc />
    public async Task<IssuedKey> IssueKeyAsync(string name, Role role, TimeSpan? validFor = null)
    {
        RequireName(name);
        if (role == Role.Tenant && !await GrainFactory.GetGrain<ITenantDirectoryGrain>(0).ContainsAsync(name))
            throw new ArgumentException($"there is no tenant '{name}'; create it with `discovery tenant create {name}`", nameof(name));
        return await IssueAsync(new Principal(name, role), validFor);
    }

    /// <inheritdoc />
    public async Task RevokeKeyAsync(string keyId)
    {
        if (!await GrainFactory.GetGrain<IApiKeyGrain>(keyId).RevokeAsync())
            throw new ArgumentException($"there is no API key '{keyId}'", nameof(keyId));
        logger.LogInformation("API key {KeyId} revoked by {Caller}", keyId, Caller);
    }

    /// <inheritdoc />
    public Task<string> IssueTokenAsync(string name, Role role, TimeSpan validFor)
    {
        RequireName(name);
        if (validFor <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(validFor), validFor, "a token must be valid for a positive time");
        var key = options.Value.TokenSigningKey
            ?? throw new InvalidOperationException("this cluster issues no tokens: set Discovery:Security:TokenSigningKey on every silo");
        var now = time.GetUtcNow().UtcDateTime;
        logger.LogInformation("Token for {Principal} valid {ValidFor} issued by {Caller}", new Principal(name, role), validFor, Caller);
        return Task.FromResult(Tokens.Create(new Principal(name, role), now, now + validFor, key, options.Value.TokenIssuer));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListTenantsAsync() => GrainFactory.GetGrain<ITenantDirectoryGrain>(0).ListAsync();

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(int count = 100) => GrainFactory.GetGrain<IAuditGrain>(0).RecentAsync(count);

    private async Task<IssuedKey> IssueAsync(Principal principal, TimeSpan? validFor)
    {
        if (validFor is { } v && v <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(validFor), v, "a key must be valid for a positive time, or for ever (null)");
        var now = time.GetUtcNow();
        var expires = validFor is { } d ? now + d : (DateTimeOffset?)null;
        var (id, credential, stored) = ApiKeys.Create(principal, now, expires);
        await GrainFactory.GetGrain<IApiKeyGrain>(id).StoreAsync(stored);
        logger.LogInformation("API key {KeyId} for {Principal} issued by {Caller}", id, principal, Caller);
        return new IssuedKey(id, credential, principal, expires);
    }

    private static string Caller => SecurityContext.Caller?.ToString() ?? "the cluster";

    // Tenant names are the first part of VE ids, so they follow the same rules.
    private static void RequireName(string name)
    {
        try
        {
            VeId.Parse($"{name}/x");
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"'{name}' cannot name a tenant: {e.Message}", nameof(name));
        }
    }
}
