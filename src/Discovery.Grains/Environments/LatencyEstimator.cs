using Discovery.Abstractions.Environments.Constraints;
using Discovery.Grains.Sites;
using Discovery.Network;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Environments;

/// <summary>
/// Estimates round-trip times from a requester to nodes from the sites' geography. It stands in for measured network
/// coordinates until nodes have them: same node, same site, or a base plus a cost per km between sites.
/// </summary>
public sealed class LatencyEstimator(SiteCatalog catalog, IOptions<PlacementOptions> options)
{
    private PlacementOptions O => options.Value;

    /// <summary>The estimated RTT in ms from <paramref name="from"/> to <paramref name="host"/>.</summary>
    public double RttMs(Requester from, PlacementHost host) =>
        from.Node == host.Node ? O.SameNodeRttMs
        : from.Site == host.Site ? O.SameSiteRttMs
        : SiteRttMs(from.Site, host.Site);

    /// <summary>The estimated RTT in ms between two sites.</summary>
    public double SiteRttMs(string a, string b)
    {
        if (a == b)
            return O.SameSiteRttMs;
        if (catalog.Find(a) is not { } from || catalog.Find(b) is not { } to)
            return O.UnknownSiteRttMs;
        return new GeoLatencyModel(O.SiteBaseRttMs, O.RttMsPerKm).RttMs(from.Location, to.Location);
    }

    /// <summary>The region of <paramref name="site"/>, if the catalog knows it.</summary>
    public string? RegionOf(string site) => catalog.Find(site)?.Region;
}
