using Discovery.Abstractions.Security;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Security;

/// <summary>One tenant's limits and reservations; one call at a time, so reservations are atomic.</summary>
public sealed class TenantQuotaGrain(
    [PersistentState("quota", StorageNames.State)] IPersistentState<TenantQuotaState> state,
    ILogger<TenantQuotaGrain> logger) : Grain, ITenantQuotaGrain
{
    private string Tenant => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<QuotaStatus> SetLimitsAsync(QuotaLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.Vcpus < 0 || limits.MemoryMiB < 0 || limits.Vms < 0 || limits.ImageBytes < 0)
            throw new ArgumentException($"quota of {Tenant}: limits must not be negative ({limits})", nameof(limits));
        state.State.Limits = limits;
        await state.WriteStateAsync();
        logger.LogInformation("Quota of {Tenant} set to {Limits}", Tenant, limits);
        return await GetAsync();
    }

    /// <inheritdoc />
    public Task<QuotaStatus> GetAsync() => Task.FromResult(new QuotaStatus(Tenant, state.State.Limits, Used(except: null)));

    /// <inheritdoc />
    public async Task ReserveAsync(string holder, QuotaUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (Quotas.Exceeded(state.State.Limits, Used(except: holder), usage) is { } over)
            throw new QuotaExceededException($"{holder}: tenant {Tenant}'s quota is exceeded: {over}");
        if (state.State.Held.TryGetValue(holder, out var held) && held == usage)
            return;
        state.State.Held[holder] = usage;
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string holder)
    {
        if (state.State.Held.Remove(holder))
            await state.WriteStateAsync();
    }

    private QuotaUsage Used(string? except) =>
        state.State.Held.Where(h => h.Key != except).Aggregate(QuotaUsage.None, (sum, h) => sum + h.Value);
}

/// <summary>A tenant's stored limits and reservations.</summary>
[GenerateSerializer, Alias("discovery.tenant-quota-state")]
public sealed class TenantQuotaState
{
    /// <summary>The limits; no limit by default.</summary>
    [Id(0)] public QuotaLimits Limits { get; set; } = new();

    /// <summary>What each holder (VE id, <c>image:name</c>) holds.</summary>
    [Id(1)] public Dictionary<string, QuotaUsage> Held { get; set; } = [];
}
