using Orleans.Concurrency;
using Discovery.Abstractions.Nodes;

namespace Discovery.Abstractions.Sites;

/// <summary>
/// The registry of one site (point of presence), keyed by the site name. It prefers the site's own silos but keeps
/// working elsewhere when the site has none up, because that is exactly when someone must report its nodes unreachable.
/// </summary>
[Alias("discovery.site")]
public interface ISiteGrain : IGrainWithStringKey
{
    /// <summary>Records that a node belongs to this site; idempotent.</summary>
    [Alias("add-node")]
    Task AddNodeAsync(string nodeName);

    /// <summary>Forgets a node that left; idempotent.</summary>
    [Alias("remove-node")]
    Task RemoveNodeAsync(string nodeName);

    /// <summary>The names of the site's nodes, in order.</summary>
    // Interleaves: a node agent activating asks for it (its locality grain bootstraps from the site's names) while
    // the site may be waiting for that very activation (GetLoadsAsync asks each node it has no load for); a restarted
    // silo's agents then hung for the 30 s response timeout and the silo failed to start (found by the chaos suite).
    [Alias("nodes"), AlwaysInterleave]
    Task<IReadOnlyList<string>> GetNodeNamesAsync();

    /// <summary>A node agent's report of its status and load, after every change; the site keeps the latest.</summary>
    [Alias("report-load"), OneWay]
    Task ReportLoadAsync(NodeLoad load);

    /// <summary>
    /// The latest load of every node of the site, for placement. It may lag a little behind the nodes: a node admits
    /// a VM only if it really has room, so a stale view costs a retry, never an over-commit.
    /// </summary>
    [Alias("loads")]
    Task<IReadOnlyList<NodeLoad>> GetLoadsAsync();

    /// <summary>A node agent's latest stored coordinate; the site's coordinate is the centroid of its nodes'.</summary>
    [Alias("report-coordinate"), OneWay]
    Task ReportCoordinateAsync(string node, Coordinates.NodeCoordinate coordinate);

    /// <summary>The centroid of the site's nodes' coordinates, or null while none has reported one.</summary>
    [Alias("coordinate"), AlwaysInterleave]
    Task<Coordinates.NodeCoordinate?> GetCoordinateAsync();

    /// <summary>Records which silo now runs a node's agent.</summary>
    [Alias("node-activated")]
    Task NodeActivatedAsync(string nodeName, string silo);

    /// <summary>
    /// Called by every silo that sees <paramref name="silo"/> declared dead: the first call reports each node whose
    /// agent ran there as unreachable; later calls for the same silo change nothing. Returns the nodes reported.
    /// </summary>
    [Alias("silo-dead")]
    Task<IReadOnlyList<string>> SiloDeadAsync(string silo);
}
