using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Sites;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;

namespace Discovery.Grains.Placement;

/// <summary>
/// Activates a grain on a silo of the site named by its key. Serves both <see cref="SitePlacement"/> (the site or
/// nothing) and <see cref="PreferSitePlacement"/> (the site, else the nearest site with a silo up).
/// </summary>
public sealed class SitePlacementDirector(
    SiteTopology topology,
    SiteCatalog catalog,
    IOptions<SitePlacementOptions> options,
    TimeProvider time,
    ILogger<SitePlacementDirector> logger) : IPlacementDirector
{
    /// <inheritdoc />
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var site = SiteKeys.TryGetSite(key, out var problem)
                   ?? throw new ArgumentException($"{target.GrainIdentity}: {problem}");

        var compatible = context.GetCompatibleSilos(target);
        var deadline = time.GetUtcNow() + options.Value.MetadataWaitTimeout;
        while (true)
        {
            var bySite = compatible.ToLookup(topology.SiteOf);
            if (bySite[site].Any())
                return Choose(bySite[site].ToArray());

            // A silo whose site is still unknown may be the one we need: give its metadata a moment to arrive. So
            // may a silo of the site that membership lists as active but that placement does not offer yet (its
            // grain manifest lags behind its membership entry).
            var worthWaiting = bySite[null].Any() || topology.ActiveSilos().Any(s => s.Site == site);
            if (!worthWaiting || time.GetUtcNow() >= deadline)
                return Fallback(strategy, target, site, bySite);
            await Task.Delay(options.Value.MetadataPollInterval, time);
            compatible = context.GetCompatibleSilos(target);
        }
    }

    private SiloAddress Fallback(PlacementStrategy strategy, PlacementTarget target, string site, ILookup<string?, SiloAddress> bySite)
    {
        var sitesUp = bySite.Select(g => g.Key).OfType<string>().ToList();
        var listed = topology.ActiveSilos().Where(s => s.Site == site).Select(s => s.Silo).ToList();
        if (listed.Count > 0)
            logger.LogWarning("Membership lists {Silos} of site {Site} as active, but none of them can host {Grain}",
                listed, site, target.GrainIdentity);
        if (strategy is not PreferSitePlacement || sitesUp.Count == 0)
            throw new SiteUnavailableException(site, target.GrainIdentity.ToString(), sitesUp);

        var nearest = catalog.ByDistanceFrom(site, sitesUp)[0];
        logger.LogWarning("Site {Site} has no silo up: placing {Grain} on the nearest site with one, {Fallback}",
            site, target.GrainIdentity, nearest);
        return Choose(bySite[nearest].ToArray());
    }

    // The local silo first (no extra hop for the caller), otherwise any silo of the site.
    private SiloAddress Choose(SiloAddress[] silos) =>
        silos.Contains(topology.LocalSilo) ? topology.LocalSilo : silos[Random.Shared.Next(silos.Length)];
}
