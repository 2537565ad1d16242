using System.Collections.Concurrent;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Discovery.Grains.Sites;

/// <summary>
/// This silo's view of which silo belongs to which site. The site is carried in each silo's metadata under
/// <see cref="SiteMetadataKey"/>, so every silo learns every other silo's site through Orleans itself.
/// </summary>
public sealed class SiteTopology(
    ISiloMetadataCache metadata,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    LocalSite localSite)
{
    /// <summary>The silo metadata key that holds a silo's site.</summary>
    public const string SiteMetadataKey = "discovery.site";

    /// <summary>The site this silo serves.</summary>
    public string LocalSite => localSite.Name;

    /// <summary>This silo's address.</summary>
    public SiloAddress LocalSilo => localSilo.SiloAddress;

    // Sites of silos seen alive: a dead silo's metadata may leave the cache, but its site is needed after its death.
    private readonly ConcurrentDictionary<SiloAddress, string> _known = new();

    /// <summary>
    /// The site of <paramref name="silo"/>, or null while its metadata has not reached this silo yet. Remembered
    /// after the silo dies.
    /// </summary>
    public string? SiteOf(SiloAddress silo)
    {
        if (silo.Equals(localSilo.SiloAddress))
            return localSite.Name;
        if (_known.TryGetValue(silo, out var site))
            return site;
        site = metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(SiteMetadataKey);
        if (site is not null)
            _known[silo] = site;
        return site;
    }

    /// <summary>The active silos of the cluster, each with its site (null when not known yet).</summary>
    public IReadOnlyList<(SiloAddress Silo, string? Site)> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => (m.SiloAddress, SiteOf(m.SiloAddress)))
            .ToList();

    /// <summary>The sites that have at least one active silo.</summary>
    public IReadOnlyCollection<string> SitesUp() =>
        ActiveSilos().Select(s => s.Site).OfType<string>().ToHashSet();
}

/// <summary>The site a silo serves, fixed at start-up.</summary>
/// <param name="Name">The site's name.</param>
public sealed record LocalSite(string Name);
