using Discovery.Abstractions.Sites;
using Discovery.Grains.Sites;
using Orleans.Concurrency;

namespace Discovery.Grains.Overview;

/// <summary>Answers from this silo's own view of membership and of the infrastructure's sites.</summary>
[StatelessWorker]
public sealed class ClusterOverviewGrain(SiteCatalog catalog, SiteTopology topology, IClusterMembershipService membership)
    : Grain, IClusterOverviewGrain
{
    /// <inheritdoc />
    public Task<IReadOnlyList<SiteOverview>> GetSitesAsync()
    {
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status is SiloStatus.Active or SiloStatus.Dead)
            .Select(m => (m.Status, Address: m.SiloAddress.ToString(), Site: topology.SiteOf(m.SiloAddress)))
            .Where(s => s.Site is not null)
            .ToLookup(s => s.Site!);
        var names = catalog.Sites.Select(s => s.Name).Concat(silos.Select(g => g.Key)).Distinct().Order(StringComparer.Ordinal);
        IReadOnlyList<SiteOverview> sites = names.Select(name =>
        {
            var location = catalog.Find(name);
            return new SiteOverview(
                name,
                location?.Latitude,
                location?.Longitude,
                silos[name].Where(s => s.Status == SiloStatus.Active).Select(s => s.Address).ToList(),
                silos[name].Where(s => s.Status == SiloStatus.Dead).Select(s => s.Address).ToList());
        }).ToList();
        return Task.FromResult(sites);
    }
}
