using Orleans.Concurrency;

namespace Discovery.Grains.Networks;

/// <summary>
/// Who takes part in a VE's VXLAN overlay (silo-internal; key: the VE, <c>tenant/name</c>): the nodes with VMs of
/// the VE and their hosts' underlay addresses. A node agent joins when the first VM of the VE lands on it and leaves
/// when its last one goes; every other host of the VE is told the new membership, so its flooding list follows.
/// </summary>
public interface IVeOverlayGrain : IGrainWithStringKey
{
    /// <summary>Records <paramref name="node"/> as hosting VMs of the VE, its overlay traffic at <paramref name="underlay"/>.</summary>
    Task<VeOverlayView> JoinAsync(string node, string underlay);

    /// <summary>Records that <paramref name="node"/> has no VM of the VE any more (idempotent).</summary>
    Task<VeOverlayView> LeaveAsync(string node);

    /// <summary>The current membership.</summary>
    Task<VeOverlayView> GetViewAsync();
}

/// <summary>A node agent's side of a VE's overlay (silo-internal; implemented by the node agent, same key).</summary>
public interface IVeOverlayMemberGrain : IGrainWithStringKey
{
    /// <summary>Brings the node's host's part of the overlay to <paramref name="view"/> (one-way: the overlay grain never waits on a node).</summary>
    [OneWay]
    Task ApplyOverlayAsync(VeOverlayView view);
}

/// <summary>A VE's overlay membership at one version.</summary>
/// <param name="Ve">The VE, <c>tenant/name</c>.</param>
/// <param name="Vni">Its VXLAN network id (0 while it has no member).</param>
/// <param name="Version">Grows with every change, so a host never goes back to an older view that arrived late.</param>
/// <param name="Members">The nodes with VMs of the VE and their underlay addresses.</param>
[GenerateSerializer, Alias("discovery.ve-overlay-view")]
public sealed record VeOverlayView(
    [property: Id(0)] string Ve,
    [property: Id(1)] int Vni,
    [property: Id(2)] long Version,
    [property: Id(3)] IReadOnlyList<VeOverlayNode> Members);

/// <summary>A node hosting VMs of a VE and the underlay address of its host.</summary>
[GenerateSerializer, Alias("discovery.ve-overlay-node")]
public sealed record VeOverlayNode([property: Id(0)] string Node, [property: Id(1)] string Underlay);
