namespace Discovery.Abstractions.Nodes;

/// <summary>How an operator describes a node when registering it.</summary>
/// <param name="Cpus">Physical CPUs (hardware threads) the node offers to VMs.</param>
/// <param name="MemoryMiB">Memory the node offers to VMs, in MiB.</param>
[GenerateSerializer, Immutable, Alias("discovery.node-spec")]
public sealed record NodeSpec([property: Id(0)] int Cpus, [property: Id(1)] long MemoryMiB)
{
    /// <summary>Returns null when the spec is usable, otherwise what is wrong with it.</summary>
    public string? Validate() =>
        Cpus < 1 ? $"a node needs at least 1 CPU (got {Cpus})"
        : MemoryMiB < 1 ? $"a node needs at least 1 MiB of memory (got {MemoryMiB})"
        : null;
}

/// <summary>What a node agent reports about itself.</summary>
/// <param name="Id">The node's id.</param>
/// <param name="Spec">The registered description, or null when the node was never registered.</param>
/// <param name="HostSilo">The address of the silo that runs the agent.</param>
/// <param name="HostSite">The site of the silo that runs the agent (always the node's own site).</param>
[GenerateSerializer, Immutable, Alias("discovery.node-info")]
public sealed record NodeInfo(
    [property: Id(0)] NodeId Id,
    [property: Id(1)] NodeSpec? Spec,
    [property: Id(2)] string HostSilo,
    [property: Id(3)] string HostSite);
