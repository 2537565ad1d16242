namespace Discovery.Abstractions.Nodes;

/// <summary>A node as placement sees it: whether it takes VMs, what it has and what is reserved on it.</summary>
/// <param name="Node">The node's id.</param>
/// <param name="Status">Whether it takes new VMs.</param>
/// <param name="Capacity">What it can give to VMs, overcommit included.</param>
/// <param name="Allocated">What its VMs reserve.</param>
[GenerateSerializer, Immutable, Alias("discovery.node-load")]
public sealed record NodeLoad(
    [property: Id(0)] string Node,
    [property: Id(1)] NodeStatus Status,
    [property: Id(2)] Resources Capacity,
    [property: Id(3)] Resources Allocated)
{
    /// <summary>What is left for new VMs.</summary>
    public Resources Free => Capacity - Allocated;
}
