using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Grains.Nodes;

/// <summary>The durable record of a node agent.</summary>
[GenerateSerializer, Alias("discovery.node-state")]
public sealed class NodeState
{
    /// <summary>The registered description; null until the node is registered.</summary>
    [Id(0)] public NodeSpec? Spec { get; set; }

    /// <summary>Whether the node takes work.</summary>
    [Id(1)] public NodeStatus Status { get; set; } = NodeStatus.Joining;

    /// <summary>The VMs admitted on this node and what each reserved.</summary>
    [Id(2)] public Dictionary<string, VmSpec> Vms { get; set; } = new(StringComparer.Ordinal);
}
