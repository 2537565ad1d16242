namespace Discovery.Abstractions.Environments;

/// <summary>
/// Where a VE should run close to: a site, a node, a point in network-coordinate space, or the calling client (the
/// site of the gateway it is connected to). Placement asks the closest nodes first and goes outward;
/// <paramref name="MaxRttMs"/> bounds how far.
/// </summary>
/// <param name="Kind">What the locality is relative to.</param>
/// <param name="Target">The site or node id for <see cref="LocalityKind.Site"/> and <see cref="LocalityKind.Node"/>.</param>
/// <param name="MaxRttMs">The largest estimated round-trip time from there to any VM, in ms; null for no bound.</param>
/// <param name="Coordinate">The point for <see cref="LocalityKind.Coordinate"/>, a Vivaldi coordinate.</param>
[GenerateSerializer, Immutable, Alias("discovery.locality")]
public sealed record Locality(
    [property: Id(0)] LocalityKind Kind,
    [property: Id(1)] string? Target = null,
    [property: Id(2)] double? MaxRttMs = null,
    [property: Id(3)] Coordinates.NodeCoordinate? Coordinate = null)
{
    /// <summary>
    /// The request-context key under which a client says which site it calls from; <see cref="LocalityKind.Caller"/>
    /// means that site. The client SDK sets it to its gateway's site.
    /// </summary>
    public const string CallerSiteContextKey = "discovery.caller-site";

    /// <summary>Close to <paramref name="site"/>.</summary>
    public static Locality NearSite(string site, double? maxRttMs = null) => new(LocalityKind.Site, site, maxRttMs);

    /// <summary>Close to node <paramref name="node"/> (<c>site/name</c>).</summary>
    public static Locality NearNode(string node, double? maxRttMs = null) => new(LocalityKind.Node, node, maxRttMs);

    /// <summary>Close to a point in network-coordinate space (e.g. a user's own Vivaldi coordinate).</summary>
    public static Locality NearCoordinate(Coordinates.NodeCoordinate coordinate, double? maxRttMs = null) =>
        new(LocalityKind.Coordinate, null, maxRttMs, coordinate);

    /// <summary>Close to the client that makes the request.</summary>
    public static Locality NearCaller(double? maxRttMs = null) => new(LocalityKind.Caller, null, maxRttMs);

    /// <summary>Null when usable, otherwise what is wrong.</summary>
    public string? Validate() => this switch
    {
        { MaxRttMs: <= 0 or double.NaN } => $"the maximum RTT must be a positive number of ms (got {MaxRttMs})",
        { Kind: LocalityKind.Site } when Sites.SiteName.Validate(Target) is { } bad => $"locality: {bad}",
        { Kind: LocalityKind.Node } when !Nodes.NodeId.TryParse(Target, out _, out var bad) => $"locality: {bad}",
        { Kind: LocalityKind.Caller, Target: not null } => "a locality near the caller takes no target",
        { Kind: LocalityKind.Coordinate, Coordinate: null } => "a locality near a coordinate needs the coordinate",
        { Kind: LocalityKind.Coordinate, Coordinate: { } c } when c.Vector.Count == 0 || c.Vector.Append(c.Height).Any(v => !double.IsFinite(v)) || c.Height < 0
            => "the coordinate must have at least one dimension, finite values and a height of at least 0",
        { Kind: not LocalityKind.Coordinate, Coordinate: not null } => $"a locality near a {Kind.ToString().ToLowerInvariant()} takes no coordinate",
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() =>
        (Kind switch
        {
            LocalityKind.Caller => "near the caller",
            LocalityKind.Coordinate => $"near coordinate [{string.Join(", ", Coordinate?.Vector.Select(v => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)) ?? [])}]",
            _ => $"near {Kind.ToString().ToLowerInvariant()} {Target}",
        }) +
        (MaxRttMs is { } max ? $" within {max} ms" : "");
}

/// <summary>What a <see cref="Locality"/> is relative to.</summary>
public enum LocalityKind
{
    /// <summary>A site (point of presence).</summary>
    Site,

    /// <summary>A node.</summary>
    Node,

    /// <summary>The calling client's gateway site.</summary>
    Caller,

    /// <summary>A point in network-coordinate space.</summary>
    Coordinate,
}
