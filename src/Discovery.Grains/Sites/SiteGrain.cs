using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;

namespace Discovery.Grains.Sites;

/// <summary>The registry of one site's nodes; runs on the site's own silos.</summary>
[SitePlacement]
public sealed class SiteGrain(
    [PersistentState("site", StorageNames.State)] IPersistentState<SiteState> state) : Grain, ISiteGrain
{
    /// <inheritdoc />
    public async Task AddNodeAsync(string nodeName)
    {
        var problem = NodeId.ValidateName(nodeName);
        if (problem is not null)
            throw new ArgumentException($"site {this.GetPrimaryKeyString()}: {problem}", nameof(nodeName));
        if (state.State.Nodes.Add(nodeName))
            await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetNodeNamesAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Nodes.ToList());
}
