using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Networks;
using Discovery.Network.Addressing;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Networks;

/// <summary>A tenant's IPAM record: one grain per tenant, so two VEs of a tenant can never be given overlapping subnets.</summary>
public sealed class TenantNetworkGrain(
    [PersistentState("tenant-network", StorageNames.State)] IPersistentState<TenantNetworkState> state,
    IOptions<NetworkOptions> options) : Grain, ITenantNetworkGrain
{
    private string Tenant => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<VeNetwork> AllocateAsync(string ve)
    {
        var key = OwnVe(ve);
        if (state.State.Ves.TryGetValue(key, out var existing))
            return View(key, existing);
        var pool = options.Value.CreatePool();
        var subnet = pool.Next(state.State.Ves.Values.Select(v => Ipv4Subnet.Parse(v.Subnet)))
            ?? throw new AddressPoolExhaustedException($"tenant {Tenant}: all {pool.Capacity} subnets of {pool.Pool} are taken");
        var vni = await GrainFactory.GetGrain<IVniRegistryGrain>(0).VniOfAsync(key);
        var record = new VeNetworkRecord { Subnet = subnet.ToString(), Vni = vni };
        state.State.Ves[key] = record;
        await state.WriteStateAsync();
        return View(key, record);
    }

    /// <inheritdoc />
    public async Task<string> AddressOfAsync(string ve, string vm)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vm);
        var key = OwnVe(ve);
        if (!state.State.Ves.ContainsKey(key))
            await AllocateAsync(key);
        var record = state.State.Ves[key];
        var subnet = Ipv4Subnet.Parse(record.Subnet);
        if (!record.Hosts.TryGetValue(vm, out var offset))
        {
            offset = HostAddresses.Next(subnet, record.Hosts.Values.ToHashSet())
                ?? throw new AddressPoolExhaustedException($"VE {key}: every address of {subnet} is taken");
            record.Hosts[vm] = offset;
            await state.WriteStateAsync();
        }
        return subnet.Address(offset).ToString();
    }

    /// <inheritdoc />
    public Task<VeNetwork?> GetAsync(string ve)
    {
        var key = OwnVe(ve);
        return Task.FromResult(state.State.Ves.TryGetValue(key, out var record) ? View(key, record) : null);
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string ve)
    {
        var key = OwnVe(ve);
        if (!state.State.Ves.Remove(key))
            return;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IVniRegistryGrain>(0).ReleaseAsync(key);
    }

    private string OwnVe(string ve)
    {
        var id = VeId.Parse(ve);
        return id.Tenant == Tenant ? id.ToString() : throw new ArgumentException($"VE {ve} does not belong to tenant {Tenant}", nameof(ve));
    }

    private static VeNetwork View(string ve, VeNetworkRecord record)
    {
        var subnet = Ipv4Subnet.Parse(record.Subnet);
        return new VeNetwork(ve, record.Subnet, subnet.Address(HostAddresses.Gateway).ToString(), record.Vni,
            record.Hosts.ToDictionary(h => h.Key, h => subnet.Address(h.Value).ToString()));
    }
}

/// <summary>The stored IPAM record of a tenant.</summary>
[GenerateSerializer, Alias("discovery.tenant-network-state")]
public sealed class TenantNetworkState
{
    /// <summary>Each VE's network, by VE id.</summary>
    [Id(0)] public Dictionary<string, VeNetworkRecord> Ves { get; set; } = [];
}

/// <summary>One VE's stored network.</summary>
[GenerateSerializer, Alias("discovery.ve-network-record")]
public sealed class VeNetworkRecord
{
    /// <summary>The subnet, e.g. <c>10.128.3.0/24</c>.</summary>
    [Id(0)] public string Subnet { get; set; } = "";

    /// <summary>The VXLAN network id.</summary>
    [Id(1)] public int Vni { get; set; }

    /// <summary>Each VM's offset in the subnet, by VM name.</summary>
    [Id(2)] public Dictionary<string, long> Hosts { get; set; } = [];
}
