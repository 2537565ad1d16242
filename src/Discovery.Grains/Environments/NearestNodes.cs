using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Sites;
using Discovery.Placement;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Environments;

/// <summary>
/// The nodes closest to a requester, one site at a time, nearest site first: the site-local then neighbour-site
/// search that stands behind placement until nodes have network coordinates. Each ring asks one site registry for
/// its nodes' loads; nobody ever scans every node.
/// </summary>
public sealed class NearestNodes(IGrainFactory grains, SiteTopology topology, LatencyEstimator latency, IOptions<PlacementOptions> options)
{
    /// <summary>The requester's network coordinate (its node's, or its site's centroid) when it is trustworthy, else null.</summary>
    public async Task<NodeCoordinate?> TrustedCoordinateOfAsync(Requester requester)
    {
        NodeCoordinate? coordinate;
        try
        {
            coordinate = requester.Node is { } node
                ? (await grains.GetGrain<INodeLocalityGrain>(node).GetCoordinateAsync()).Coordinate
                : await grains.GetGrain<ISiteGrain>(requester.Site).GetCoordinateAsync();
        }
        catch (Exception e) when (requester.Node is not null && e.GetBaseException() is SiteUnavailableException)
        {
            // The node's site has no silo up, so its agent cannot answer (chaos suite: a recovery near a node whose
            // silo had just died waited a whole retry interval); its site's registry, kept on the nearest site, can.
            coordinate = await grains.GetGrain<ISiteGrain>(requester.Site).GetCoordinateAsync();
        }
        return coordinate is { } c && c.Error <= options.Value.TrustedCoordinateError ? c : null;
    }

    /// <summary>
    /// The <paramref name="k"/> nodes nearest <paramref name="at"/> found by the spiral search, with their loads, as
    /// candidates whose RTT is the coordinates' estimate; nodes not up, with an untrustworthy coordinate, or beyond
    /// <paramref name="maxRttMs"/> are left out.
    /// </summary>
    public async Task<IReadOnlyList<Candidate>> NearestByCoordinatesAsync(NodeCoordinate at, int k, double? maxRttMs)
    {
        var found = await grains.GetGrain<ILocalityGrain>(0).NearestAsync(new NearestQuery(NearestTarget.OfCoordinate(at), k));
        // Only nodes whose own coordinate is trustworthy: one that just joined sits anywhere, and would look near.
        var near = found.Nodes
            .Where(n => n.Coordinate.Error <= options.Value.TrustedCoordinateError && (maxRttMs is not { } max || n.RttMs <= max))
            .ToDictionary(n => n.Node);
        var candidates = new List<Candidate>();
        foreach (var site in near.Keys.Select(n => NodeId.Parse(n).Site).Distinct())
        {
            var region = latency.RegionOf(site);
            foreach (var load in await grains.GetGrain<ISiteGrain>(site).GetLoadsAsync())
            {
                if (load.Status == NodeStatus.Up && near.TryGetValue(load.Node, out var node))
                    candidates.Add(new Candidate(new PlacementHost(load.Node, site, region), load.Free, node.RttMs));
            }
        }
        return candidates;
    }

    /// <summary>The sites that have a silo up, nearest first, within <paramref name="maxRttMs"/> when given.</summary>
    public IReadOnlyList<string> SitesByDistance(Requester from, double? maxRttMs) =>
        topology.SitesUp()
            .Select(site => (site, rtt: latency.SiteRttMs(from.Site, site)))
            .Where(s => maxRttMs is not { } max || s.rtt <= max)
            .OrderBy(s => s.rtt).ThenBy(s => s.site, StringComparer.Ordinal)
            .Select(s => s.site)
            .ToList();

    /// <summary>The nodes of <paramref name="site"/> that take VMs, as placement candidates seen from <paramref name="from"/>.</summary>
    public async Task<IReadOnlyList<Candidate>> RingAsync(Requester from, string site, double? maxRttMs)
    {
        var loads = await grains.GetGrain<ISiteGrain>(site).GetLoadsAsync();
        var region = latency.RegionOf(site);
        var candidates = new List<Candidate>();
        foreach (var load in loads.Where(l => l.Status == NodeStatus.Up))
        {
            var host = new PlacementHost(load.Node, site, region);
            var rtt = latency.RttMs(from, host);
            if (maxRttMs is not { } max || rtt <= max)
                candidates.Add(new Candidate(host, load.Free, rtt));
        }
        return candidates;
    }
}
