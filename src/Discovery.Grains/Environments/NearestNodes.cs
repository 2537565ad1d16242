using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Sites;
using Discovery.Placement;

namespace Discovery.Grains.Environments;

/// <summary>
/// The nodes closest to a requester, one site at a time, nearest site first: the site-local then neighbour-site
/// search that stands behind placement until nodes have network coordinates. Each ring asks one site registry for
/// its nodes' loads; nobody ever scans every node.
/// </summary>
public sealed class NearestNodes(IGrainFactory grains, SiteTopology topology, LatencyEstimator latency)
{
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
