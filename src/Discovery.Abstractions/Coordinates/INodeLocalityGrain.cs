using Orleans.Concurrency;

namespace Discovery.Abstractions.Coordinates;

/// <summary>
/// The locality side of a node agent, keyed by the node id and placed on the node's site: it measures RTTs to its
/// neighbours, keeps the node's Vivaldi coordinate, gossips its view, and answers nearest-node searches. Everything it
/// answers to other agents interleaves, so two agents that call each other never wait on each other.
/// </summary>
[Alias("discovery.node-locality")]
public interface INodeLocalityGrain : IGrainWithStringKey
{
    /// <summary>Starts measuring (idempotent); node agents call it when they register or wake up.</summary>
    [Alias("start")]
    Task StartAsync();

    /// <summary>The node's coordinate and probe address.</summary>
    [Alias("coordinate"), AlwaysInterleave]
    Task<CoordinateReport> GetCoordinateAsync();

    /// <summary>Swaps views with a gossip partner: takes <paramref name="peers"/> and returns a sample of its own.</summary>
    [Alias("gossip"), AlwaysInterleave]
    Task<IReadOnlyList<PeerView>> GossipAsync(string from, IReadOnlyList<PeerView> peers);

    /// <summary>
    /// Answers one hop of a nearest-node search toward <paramref name="target"/>: the peers it has heard of nearest
    /// the target. It learns from <paramref name="view"/>, the best the search found so far.
    /// </summary>
    [Alias("answer"), AlwaysInterleave]
    Task<IReadOnlyList<PeerView>> AnswerAsync(IReadOnlyList<PeerView> view, NodeCoordinate target);

    /// <summary>The node's close neighbours with their estimated RTT, nearest first.</summary>
    [Alias("neighbours"), AlwaysInterleave]
    Task<IReadOnlyList<(string Node, double RttMs)>> GetNeighboursAsync();
}
