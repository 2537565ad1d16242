using Discovery.Abstractions.Nodes;

namespace Discovery.Grains.Nodes;

/// <summary>The durable record of a node agent.</summary>
[GenerateSerializer, Alias("discovery.node-state")]
public sealed class NodeState
{
    /// <summary>The registered description; null until the node is registered.</summary>
    [Id(0)] public NodeSpec? Spec { get; set; }
}
