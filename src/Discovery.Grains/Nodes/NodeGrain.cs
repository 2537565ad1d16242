using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Sites;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Nodes;

/// <summary>The agent of one physical node; always on a silo of the node's site.</summary>
[SitePlacement]
public sealed class NodeGrain(
    [PersistentState("node", StorageNames.State)] IPersistentState<NodeState> state,
    SiteTopology topology,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    private NodeId Id => NodeId.Parse(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public async Task<NodeInfo> RegisterAsync(NodeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problem = spec.Validate();
        if (problem is not null)
            throw new ArgumentException($"node {Id}: {problem}", nameof(spec));

        await GrainFactory.GetGrain<ISiteGrain>(Id.Site).AddNodeAsync(Id.Name);
        if (state.State.Spec != spec)
        {
            state.State.Spec = spec;
            await state.WriteStateAsync();
            logger.LogInformation("Node {Node} registered: {Cpus} CPUs, {MemoryMiB} MiB", Id, spec.Cpus, spec.MemoryMiB);
        }
        return Info();
    }

    /// <inheritdoc />
    public Task<NodeInfo> GetInfoAsync() => Task.FromResult(Info());

    private NodeInfo Info() => new(Id, state.State.Spec, topology.LocalSilo.ToParsableString(), topology.LocalSite);
}
