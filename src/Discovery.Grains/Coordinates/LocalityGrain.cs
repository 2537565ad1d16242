using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Sites;
using Discovery.Network.Coordinates;
using Orleans.Concurrency;

namespace Discovery.Grains.Coordinates;

/// <summary>
/// Runs nearest-node searches: a <see cref="SpiralSearch{TPeer}"/> whose hops are calls to node agents'
/// <see cref="INodeLocalityGrain.AnswerAsync"/>, starting from the target itself, a node of the target site, or a node
/// of this silo's site.
/// </summary>
[StatelessWorker]
public sealed class LocalityGrain(SiteTopology topology) : Grain, ILocalityGrain
{
    private const int MaxK = 1000;

    /// <inheritdoc />
    public async Task<NearestResult> NearestAsync(NearestQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.K is < 1 or > MaxK)
            throw new ArgumentException($"k must be between 1 and {MaxK} (got {query.K})", nameof(query));
        var (start, target) = await ResolveAsync(query.Target);
        if (start is null || target is null)
            return new NearestResult([], 0);
        var sites = query.Sites?.ToHashSet();
        var excluded = query.Target.Node;
        // A node whose site has no silo up cannot answer: the search goes on without it, and does not return it (chaos
        // suite: a restart planned while a site's silo had just died failed its whole search).
        var unreachable = new HashSet<string>();
        async Task<IReadOnlyList<PeerCoordinate<string>>> AskAsync(string node, IReadOnlyList<PeerCoordinate<string>> view)
        {
            try
            {
                var answer = await GrainFactory.GetGrain<INodeLocalityGrain>(node)
                    .AnswerAsync(view.Select(v => new PeerView(v.Peer, v.Coordinate.ToWire())).ToList(), target);
                return answer.Select(p => new PeerCoordinate<string>(p.Node, p.Coordinate.ToNetwork())).ToList();
            }
            catch (Exception e) when (e.GetBaseException() is SiteUnavailableException)
            {
                unreachable.Add(node);
                return [];
            }
        }
        var result = await new SpiralSearch<string>().FindAsync(
            new PeerCoordinate<string>(start.Node, start.Coordinate.ToNetwork()),
            target.ToNetwork(),
            query.K,
            AskAsync,
            node => node != excluded && !unreachable.Contains(node) && (sites is null || sites.Contains(NodeId.Parse(node).Site)));
        var nodes = result.Nearest.Select(p => new NearNode(p.Peer, p.Coordinate.ToWire(), p.Coordinate.EstimateRttMs(target.ToNetwork()))).ToList();
        return new NearestResult(nodes, result.Messages);
    }

    /// <inheritdoc />
    public Task<NodeCoordinate?> GetSiteCoordinateAsync(string site) =>
        GrainFactory.GetGrain<ISiteGrain>(SiteName.Require(site)).GetCoordinateAsync();

    // Where to start and what to walk toward.
    private async Task<(CoordinateReport? Start, NodeCoordinate? Target)> ResolveAsync(NearestTarget target)
    {
        if (target.Node is { } node)
        {
            var report = await GrainFactory.GetGrain<INodeLocalityGrain>(NodeId.Parse(node).ToString()).GetCoordinateAsync();
            return (report, report.Coordinate);
        }
        if (target.Site is { } site)
        {
            var start = await AnyNodeOfAsync(SiteName.Require(site));
            return (start, await GetSiteCoordinateAsync(site) ?? start?.Coordinate);
        }
        if (target.Coordinate is { } coordinate)
        {
            // Any node will do as a start; one of this silo's site is the cheapest to ask.
            foreach (var candidate in topology.SitesUp().OrderBy(s => s == topology.LocalSite ? 0 : 1))
            {
                try
                {
                    if (await AnyNodeOfAsync(candidate) is { } any)
                        return (any, coordinate);
                }
                catch (Exception e) when (e.GetBaseException() is SiteUnavailableException)
                {
                    // Its silo died since the site list was read: another site's node starts the search.
                }
            }
            return (null, coordinate);
        }
        throw new ArgumentException("a nearest-node target needs a node, a site or a coordinate", nameof(target));
    }

    private async Task<CoordinateReport?> AnyNodeOfAsync(string site)
    {
        var names = await GrainFactory.GetGrain<ISiteGrain>(site).GetNodeNamesAsync();
        return names.Count == 0 ? null : await GrainFactory.GetGrain<INodeLocalityGrain>($"{site}/{names[0]}").GetCoordinateAsync();
    }
}
