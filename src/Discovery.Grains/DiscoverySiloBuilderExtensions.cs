using Discovery.Grains.Placement;
using Discovery.Grains.Sites;

namespace Discovery.Grains;

/// <summary>What every Discovery silo needs, whatever hosts it (the silo program, a test cluster, a benchmark).</summary>
public static class DiscoverySiloBuilderExtensions
{
    /// <summary>
    /// Adds the Discovery grains' services to a silo serving <paramref name="site"/>. The host chooses clustering and
    /// the storage providers named in <see cref="StorageNames"/>.
    /// </summary>
    public static ISiloBuilder AddDiscoveryCore(this ISiloBuilder silo, string site, SiteCatalog? catalog = null) =>
        silo.AddSitePlacement(site, catalog);
}
