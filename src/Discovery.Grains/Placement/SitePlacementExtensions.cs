using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Sites;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Discovery.Grains.Placement;

/// <summary>Registers site-aware placement on a silo.</summary>
public static class SitePlacementExtensions
{
    /// <summary>
    /// Declares that this silo serves <paramref name="site"/> (in its metadata, so every silo learns it) and
    /// registers the placement directors that keep each site's grains on that site's silos.
    /// </summary>
    public static ISiloBuilder AddSitePlacement(this ISiloBuilder silo, string site, SiteCatalog? catalog = null)
    {
        SiteName.Require(site);
        silo.UseSiloMetadata(new Dictionary<string, string> { [SiteTopology.SiteMetadataKey] = site });
        silo.Services.AddSingleton(new LocalSite(site));
        silo.Services.TryAddSingleton(catalog ?? SiteCatalog.Empty);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<SiteTopology>();
        silo.Services.AddOptions<SitePlacementOptions>();
        silo.Services.AddPlacementDirector<SitePlacement, SitePlacementDirector>();
        silo.Services.AddPlacementDirector<PreferSitePlacement, SitePlacementDirector>();
        return silo;
    }
}
