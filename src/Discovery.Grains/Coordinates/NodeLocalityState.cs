using Discovery.Abstractions.Coordinates;

namespace Discovery.Grains.Coordinates;

/// <summary>The stored part of a node agent's locality: its coordinate and whom it knows.</summary>
[GenerateSerializer, Alias("discovery.node-locality-state")]
public sealed class NodeLocalityState
{
    /// <summary>The latest stored coordinate; null before the first measurement.</summary>
    [Id(0)] public NodeCoordinate? Coordinate { get; set; }

    /// <summary>The close neighbours when the coordinate was stored.</summary>
    [Id(1)] public List<string> Close { get; set; } = [];

    /// <summary>The random view when the coordinate was stored.</summary>
    [Id(2)] public List<string> Random { get; set; } = [];
}
