namespace Discovery.Abstractions.Nodes;

/// <summary>
/// Empties one node for maintenance: the node stops taking VMs, and each of its VMs moves elsewhere — through its VE
/// when it belongs to one, so the VE's constraints still hold. Keyed by the node's id.
/// </summary>
public interface INodeDrainGrain : IGrainWithStringKey
{
    /// <summary>
    /// Puts the node in maintenance and moves its VMs away, publishing <see cref="Events.NodeDrainProgress"/> as it
    /// goes. A VM that cannot move stays, and the report says why. The same <paramref name="requestId"/> never moves
    /// a VM twice.
    /// </summary>
    Task<DrainReport> DrainAsync(string requestId);
}

/// <summary>What a drain did.</summary>
/// <param name="Node">The drained node.</param>
/// <param name="Vms">One line per VM that was on the node.</param>
[GenerateSerializer, Immutable, Alias("discovery.drain-report")]
public sealed record DrainReport([property: Id(0)] string Node, [property: Id(1)] IReadOnlyList<DrainedVm> Vms)
{
    /// <summary>True when every VM left the node.</summary>
    public bool Complete => Vms.All(v => v.Problem is null);
}

/// <summary>Where one VM went, or why it stayed.</summary>
/// <param name="Vm">The VM's id.</param>
/// <param name="To">Its new node, when it moved.</param>
/// <param name="Problem">Why it could not move, when it stayed.</param>
[GenerateSerializer, Immutable, Alias("discovery.drained-vm")]
public sealed record DrainedVm([property: Id(0)] string Vm, [property: Id(1)] string? To, [property: Id(2)] string? Problem);
