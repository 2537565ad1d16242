using Discovery.Abstractions.Networks;
using Discovery.Network.Addressing;

namespace Discovery.Grains.Networks;

/// <summary>The cluster's VXLAN network ids: one grain, so no two VEs share one.</summary>
public sealed class VniRegistryGrain(
    [PersistentState("vni-registry", StorageNames.State)] IPersistentState<VniRegistryState> state) : Grain, IVniRegistryGrain
{
    /// <inheritdoc />
    public async Task<int> VniOfAsync(string ve)
    {
        if (state.State.ByVe.TryGetValue(ve, out var vni))
            return vni;
        vni = VniPool.Next(state.State.ByVe.Values.ToHashSet()) ?? throw new AddressPoolExhaustedException("every VXLAN network id is taken");
        state.State.ByVe[ve] = vni;
        await state.WriteStateAsync();
        return vni;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string ve)
    {
        if (state.State.ByVe.Remove(ve))
            await state.WriteStateAsync();
    }
}

/// <summary>The stored VNIs, by VE id.</summary>
[GenerateSerializer, Alias("discovery.vni-registry-state")]
public sealed class VniRegistryState
{
    /// <summary>Each VE's VNI.</summary>
    [Id(0)] public Dictionary<string, int> ByVe { get; set; } = [];
}
