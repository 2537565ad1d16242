using Discovery.Abstractions.Nodes;

namespace Discovery.Grains.Environments;

/// <summary>Where a VE is placed close to: a site, and possibly one node of it.</summary>
[GenerateSerializer, Immutable, Alias("discovery.requester")]
public sealed record Requester([property: Id(0)] string Site, [property: Id(1)] string? Node = null)
{
    /// <summary>The node when there is one, else the site.</summary>
    public override string ToString() => Node ?? Site;

    /// <summary>A requester at node <paramref name="node"/>.</summary>
    public static Requester AtNode(string node) => new(NodeId.Parse(node).Site, NodeId.Parse(node).ToString());
}
