namespace Discovery.Abstractions.Nodes;

/// <summary>What a node agent reports about itself.</summary>
/// <param name="Id">The node's id.</param>
/// <param name="Spec">The registered description, or null when the node was never registered.</param>
/// <param name="HostSilo">The address of the silo that runs the agent.</param>
/// <param name="HostSite">The site of the silo that runs the agent (always the node's own site).</param>
/// <param name="Status">Whether the node takes new VMs.</param>
/// <param name="LibvirtUri">The hypervisor connection the agent uses.</param>
/// <param name="AllocatedVcpus">vCPUs reserved by the VMs on the node.</param>
/// <param name="AllocatedMemoryMiB">Memory reserved by the VMs on the node.</param>
/// <param name="Vms">The VMs on the node.</param>
/// <param name="AllocatedDiskGiB">Disk reserved by the VMs on the node.</param>
[GenerateSerializer, Immutable, Alias("discovery.node-info")]
public sealed record NodeInfo(
    [property: Id(0)] NodeId Id,
    [property: Id(1)] NodeSpec? Spec,
    [property: Id(2)] string HostSilo,
    [property: Id(3)] string HostSite,
    [property: Id(4)] NodeStatus Status = NodeStatus.Joining,
    [property: Id(5)] string? LibvirtUri = null,
    [property: Id(6)] int AllocatedVcpus = 0,
    [property: Id(7)] long AllocatedMemoryMiB = 0,
    [property: Id(8)] IReadOnlyList<string>? Vms = null,
    [property: Id(9)] long AllocatedDiskGiB = 0)
{
    /// <summary>What the node's VMs reserve.</summary>
    public Resources Allocated => new(AllocatedVcpus, AllocatedMemoryMiB, AllocatedDiskGiB);

    /// <summary>What is left for new VMs (nothing when the node was never registered).</summary>
    public Resources Free => Spec is null ? Resources.None : Spec.Capacity - Allocated;
}

/// <summary>Whether a node takes work.</summary>
public enum NodeStatus
{
    /// <summary>Known but not registered yet.</summary>
    Joining,

    /// <summary>Takes new VMs.</summary>
    Up,

    /// <summary>Keeps its VMs but takes no new ones (an operator is working on it, or it is being drained).</summary>
    Maintenance,

    /// <summary>Left the infrastructure or unreachable.</summary>
    Down,

    /// <summary>
    /// Emptied by consolidation and powered down to save energy; placement passes it by, and it wakes up (Up) when a
    /// scheduling partition or an operator moves a VM onto it.
    /// </summary>
    Standby,
}
