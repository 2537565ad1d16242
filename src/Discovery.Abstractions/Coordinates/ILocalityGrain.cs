namespace Discovery.Abstractions.Coordinates;

/// <summary>
/// The locality facade: the k nodes nearest a node, a site or a coordinate, found by a spiral search over the node
/// agents (never a global table), and RTT estimates from coordinates. Any silo answers (stateless worker, key 0).
/// </summary>
[Alias("discovery.locality-service")]
public interface ILocalityGrain : IGrainWithIntegerKey
{
    /// <summary>The <see cref="NearestQuery.K"/> nodes nearest the query's target, nearest first.</summary>
    [Alias("nearest")]
    Task<NearestResult> NearestAsync(NearestQuery query);

    /// <summary>A site's coordinate: the centroid of its nodes' coordinates; null while none has one.</summary>
    [Alias("site-coordinate")]
    Task<NodeCoordinate?> GetSiteCoordinateAsync(string site);
}

/// <summary>What a nearest-node search looks for.</summary>
/// <param name="Target">Near what: a node, a site or a coordinate.</param>
/// <param name="K">How many nodes.</param>
/// <param name="Sites">Only nodes of these sites count as results (others still relay); null for any.</param>
[GenerateSerializer, Immutable, Alias("discovery.nearest-query")]
public sealed record NearestQuery(
    [property: Id(0)] NearestTarget Target,
    [property: Id(1)] int K = 10,
    [property: Id(2)] IReadOnlyList<string>? Sites = null);

/// <summary>The target of a nearest-node search.</summary>
/// <param name="Node">A node id (<c>site/name</c>).</param>
/// <param name="Site">A site.</param>
/// <param name="Coordinate">A point in coordinate space.</param>
[GenerateSerializer, Immutable, Alias("discovery.nearest-target")]
public sealed record NearestTarget(
    [property: Id(0)] string? Node = null,
    [property: Id(1)] string? Site = null,
    [property: Id(2)] NodeCoordinate? Coordinate = null)
{
    /// <summary>Near node <paramref name="node"/>.</summary>
    public static NearestTarget OfNode(string node) => new(Node: node);

    /// <summary>Near site <paramref name="site"/>.</summary>
    public static NearestTarget OfSite(string site) => new(Site: site);

    /// <summary>Near a coordinate.</summary>
    public static NearestTarget OfCoordinate(NodeCoordinate coordinate) => new(Coordinate: coordinate);
}

/// <summary>The nodes found, nearest first, with their estimated RTT to the target, and what the search cost.</summary>
[GenerateSerializer, Immutable, Alias("discovery.nearest-result")]
public sealed record NearestResult(
    [property: Id(0)] IReadOnlyList<NearNode> Nodes,
    [property: Id(1)] int Messages);

/// <summary>A node found near a target.</summary>
[GenerateSerializer, Immutable, Alias("discovery.near-node")]
public sealed record NearNode([property: Id(0)] string Node, [property: Id(1)] NodeCoordinate Coordinate, [property: Id(2)] double RttMs);
