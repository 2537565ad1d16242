using Discovery.Abstractions.Security;

namespace Discovery.Grains.Security;

/// <summary>The names of the tenants, sorted.</summary>
public sealed class TenantDirectoryGrain(
    [PersistentState("tenants", StorageNames.State)] IPersistentState<TenantDirectoryState> state) : Grain, ITenantDirectoryGrain
{
    /// <inheritdoc />
    public async Task<bool> AddAsync(string tenant)
    {
        var at = state.State.Tenants.BinarySearch(tenant, StringComparer.Ordinal);
        if (at >= 0)
            return false;
        state.State.Tenants.Insert(~at, tenant);
        await state.WriteStateAsync();
        return true;
    }

    /// <inheritdoc />
    public Task<bool> ContainsAsync(string tenant) => Task.FromResult(state.State.Tenants.BinarySearch(tenant, StringComparer.Ordinal) >= 0);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Tenants.ToList());
}

/// <summary>The stored tenant names.</summary>
[GenerateSerializer, Alias("discovery.tenant-directory-state")]
public sealed class TenantDirectoryState
{
    /// <summary>Every tenant, in ordinal order.</summary>
    [Id(0)] public List<string> Tenants { get; set; } = [];
}
