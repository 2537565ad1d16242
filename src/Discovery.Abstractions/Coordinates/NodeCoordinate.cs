namespace Discovery.Abstractions.Coordinates;

/// <summary>
/// A node's Vivaldi network coordinate as it crosses the wire: a Euclidean vector and a height (ms), the node's own
/// error estimate, and its adjustment term. The estimated RTT between two nodes is the distance of the vectors plus
/// both heights (plus both adjustments, when that stays positive).
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.node-coordinate")]
public sealed record NodeCoordinate(
    [property: Id(0)] IReadOnlyList<double> Vector,
    [property: Id(1)] double Height,
    [property: Id(2)] double Error,
    [property: Id(3)] double Adjustment = 0)
{
    /// <summary>The estimated RTT to <paramref name="other"/> in ms.</summary>
    public double EstimateRttMs(NodeCoordinate other)
    {
        var sum = 0.0;
        for (var i = 0; i < Math.Min(Vector.Count, other.Vector.Count); i++)
            sum += (Vector[i] - other.Vector[i]) * (Vector[i] - other.Vector[i]);
        var raw = Math.Sqrt(sum) + Height + other.Height;
        var adjusted = raw + Adjustment + other.Adjustment;
        return adjusted > 0 ? adjusted : raw;
    }
}

/// <summary>A peer and its coordinate, as one node agent tells another.</summary>
[GenerateSerializer, Immutable, Alias("discovery.peer-view")]
public sealed record PeerView([property: Id(0)] string Node, [property: Id(1)] NodeCoordinate Coordinate);

/// <summary>A node's coordinate and where its agent can be probed.</summary>
[GenerateSerializer, Immutable, Alias("discovery.coordinate-report")]
public sealed record CoordinateReport([property: Id(0)] string Node, [property: Id(1)] NodeCoordinate Coordinate, [property: Id(2)] string? ProbeAddress);
