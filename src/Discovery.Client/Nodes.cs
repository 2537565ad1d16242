using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;

namespace Discovery.Client;

/// <summary>The infrastructure: sites, nodes, the nodes nearest a point, and the operator's node actions.</summary>
public sealed class Nodes
{
    private readonly IClusterClient _grains;
    private readonly Calls _calls;

    internal Nodes(IClusterClient grains, Calls calls) => (_grains, _calls) = (grains, calls);

    /// <summary>Every site, with its silos up and down.</summary>
    public Task<IReadOnlyList<SiteOverview>> SitesAsync(CancellationToken cancellationToken = default) =>
        _calls.RunAsync("list of sites", () => _grains.GetGrain<IClusterOverviewGrain>(0).GetSitesAsync(), cancellationToken);

    /// <summary>
    /// Capacity, allocation and status of the nodes of <paramref name="site"/>, or of every site that is up; throws
    /// <see cref="NotFoundException"/> for a site the cluster does not know, suggesting close names.
    /// </summary>
    public async Task<IReadOnlyList<NodeLoad>> ListAsync(string? site = null, CancellationToken cancellationToken = default)
    {
        var sites = await SitesAsync(cancellationToken);
        if (site is not null && sites.All(s => s.Name != site))
            throw new NotFoundException($"there is no site '{site}'{Suggestions.DidYouMean(site, sites.Select(s => s.Name))}");
        var wanted = sites.Where(s => s.IsUp && (site is null || s.Name == site)).ToList();
        var loads = await Task.WhenAll(wanted.Select(s =>
            _calls.RunAsync($"nodes of site {s.Name}", () => _grains.GetGrain<ISiteGrain>(s.Name).GetLoadsAsync(), cancellationToken)));
        return loads.SelectMany(l => l).OrderBy(l => l.Node, StringComparer.Ordinal).ToList();
    }

    /// <summary>What a node's agent reports; <see cref="NotFoundException"/> when no node of that name is registered.</summary>
    public async Task<NodeInfo> GetAsync(string node, CancellationToken cancellationToken = default)
    {
        var grain = _grains.GetGrain<INodeGrain>(Parse(node).ToString());
        var info = await _calls.RunAsync($"info of node {node}", grain.GetInfoAsync, cancellationToken);
        if (info.Spec is not null)
            return info;
        var known = await _calls.RunAsync($"nodes of site {info.Id.Site}", () => _grains.GetGrain<ISiteGrain>(info.Id.Site).GetNodeNamesAsync(), cancellationToken);
        throw new NotFoundException($"there is no node '{node}'{Suggestions.DidYouMean(node, known.Select(n => $"{info.Id.Site}/{n}"))}");
    }

    /// <summary>The <paramref name="k"/> nodes nearest <paramref name="target"/> (a node, a site or a coordinate), by spiral search.</summary>
    public Task<NearestResult> NearestAsync(NearestTarget target, int k = 10, IReadOnlyList<string>? sites = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (k < 1)
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1");
        return _calls.RunAsync("nearest-node search", () => _grains.GetGrain<ILocalityGrain>(0).NearestAsync(new NearestQuery(target, k, sites)), cancellationToken);
    }

    /// <summary>Stops placing VMs on the node; it keeps the ones it has.</summary>
    public Task<NodeInfo> MaintenanceAsync(string node, CancellationToken cancellationToken = default) => SetStatus(node, NodeStatus.Maintenance, cancellationToken);

    /// <summary>Lets the node take VMs again.</summary>
    public Task<NodeInfo> UpAsync(string node, CancellationToken cancellationToken = default) => SetStatus(node, NodeStatus.Up, cancellationToken);

    /// <summary>Puts the node in maintenance and moves its VMs away; the report says where each went or why it stayed.</summary>
    public async Task<DrainReport> DrainAsync(string node, string? requestId = null, CancellationToken cancellationToken = default)
    {
        await GetAsync(node, cancellationToken);
        return await _calls.RunAsync($"drain of node {node}", () => _grains.GetGrain<INodeDrainGrain>(node).DrainAsync(Calls.RequestId(requestId)), cancellationToken);
    }

    private async Task<NodeInfo> SetStatus(string node, NodeStatus status, CancellationToken cancellationToken)
    {
        await GetAsync(node, cancellationToken);
        return await _calls.RunAsync($"status of node {node}", () => _grains.GetGrain<INodeGrain>(node).SetStatusAsync(status), cancellationToken);
    }

    private static NodeId Parse(string node)
    {
        try
        {
            return NodeId.Parse(node);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(node), e);
        }
    }
}
