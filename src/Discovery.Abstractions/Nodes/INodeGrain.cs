namespace Discovery.Abstractions.Nodes;

/// <summary>
/// The agent of one physical node, keyed by its <see cref="NodeId"/> (<c>site/name</c>). It always runs on a silo
/// of the node's own site.
/// </summary>
[Alias("discovery.node")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Registers (or updates) the node's description; idempotent.</summary>
    [Alias("register")]
    Task<NodeInfo> RegisterAsync(NodeSpec spec);

    /// <summary>Returns what the node knows about itself, including the silo that hosts its agent.</summary>
    [Alias("info")]
    Task<NodeInfo> GetInfoAsync();
}
