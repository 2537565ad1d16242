namespace Discovery.Abstractions.Networks;

/// <summary>
/// A tenant's IP address management, keyed by the tenant: each of its VEs gets a private subnet from the tenant's pool
/// that overlaps no other VE of the tenant, a VXLAN network id unique in the cluster, and one address per VM. Records
/// are keyed by VE and VM names, not by where they run, so suspend, resume and relocation never change them.
/// </summary>
[Alias("discovery.tenant-network")]
public interface ITenantNetworkGrain : IGrainWithStringKey
{
    /// <summary>The network of <paramref name="ve"/> (<c>tenant/name</c>), allocated on first call; later calls return the same.</summary>
    [Alias("allocate")]
    Task<VeNetwork> AllocateAsync(string ve);

    /// <summary>The address of VM <paramref name="vm"/> of <paramref name="ve"/> in the VE's subnet, assigned on first call and kept.</summary>
    [Alias("address")]
    Task<string> AddressOfAsync(string ve, string vm);

    /// <summary>The network of <paramref name="ve"/>, or null when it has none.</summary>
    [Alias("get")]
    Task<VeNetwork?> GetAsync(string ve);

    /// <summary>Gives the VE's subnet, VNI and addresses back (idempotent): the VE was deleted.</summary>
    [Alias("release")]
    Task ReleaseAsync(string ve);
}

/// <summary>Hands out VXLAN network ids, one per VE, unique in the cluster (one grain, key 0).</summary>
[Alias("discovery.vni-registry")]
public interface IVniRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>The VNI of <paramref name="ve"/>, allocated on first call.</summary>
    [Alias("vni")]
    Task<int> VniOfAsync(string ve);

    /// <summary>Frees the VNI of <paramref name="ve"/> (idempotent).</summary>
    [Alias("release")]
    Task ReleaseAsync(string ve);
}

/// <summary>A VE's private network.</summary>
/// <param name="Ve">The VE, <c>tenant/name</c>.</param>
/// <param name="Subnet">Its subnet, e.g. <c>10.128.3.0/24</c>.</param>
/// <param name="Gateway">The subnet's gateway address (reserved).</param>
/// <param name="Vni">The VXLAN network id that carries it between sites.</param>
/// <param name="Addresses">Each VM's address, by VM name.</param>
[GenerateSerializer, Immutable, Alias("discovery.ve-network")]
public sealed record VeNetwork(
    [property: Id(0)] string Ve,
    [property: Id(1)] string Subnet,
    [property: Id(2)] string Gateway,
    [property: Id(3)] int Vni,
    [property: Id(4)] IReadOnlyDictionary<string, string> Addresses);

/// <summary>A tenant's pool, or the cluster's VNIs, are used up.</summary>
public sealed class AddressPoolExhaustedException(string message) : InvalidOperationException(message);
