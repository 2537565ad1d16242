using Discovery.Network;

namespace Discovery.Grains.Sites;

/// <summary>
/// What this silo knows of the sites' geography (from the infrastructure file). It is used only to choose the
/// nearest site when a grain that merely prefers its site cannot run there.
/// </summary>
public sealed class SiteCatalog
{
    private readonly Dictionary<string, SiteLocation> _sites;

    /// <summary>Creates a catalog from known site locations.</summary>
    public SiteCatalog(IEnumerable<SiteLocation> sites) => _sites = sites.ToDictionary(s => s.Name);

    /// <summary>A catalog that knows no site.</summary>
    public static SiteCatalog Empty { get; } = new([]);

    /// <summary>Every known site.</summary>
    public IReadOnlyCollection<SiteLocation> Sites => _sites.Values;

    /// <summary>The location of <paramref name="site"/>, if known.</summary>
    public SiteLocation? Find(string site) => _sites.GetValueOrDefault(site);

    /// <summary>
    /// Orders <paramref name="candidates"/> by great-circle distance from <paramref name="site"/>. Sites of unknown
    /// location come last, in their given order.
    /// </summary>
    public IReadOnlyList<string> ByDistanceFrom(string site, IEnumerable<string> candidates)
    {
        var origin = Find(site);
        return candidates
            .Select((name, index) => (name, index, distance: origin is null || Find(name) is not { } other
                ? double.PositiveInfinity
                : origin.DistanceKmTo(other)))
            .OrderBy(c => c.distance).ThenBy(c => c.index)
            .Select(c => c.name)
            .ToList();
    }
}

/// <summary>A site, where it is on Earth, its region, and its power usage effectiveness (facility ÷ IT watts) when known.</summary>
public sealed record SiteLocation(string Name, double Latitude, double Longitude, string? Region = null, double? Pue = null)
{
    /// <summary>Where the site is.</summary>
    public GeoPoint Location => new(Latitude, Longitude);

    /// <summary>Great-circle distance in kilometres.</summary>
    public double DistanceKmTo(SiteLocation other) => Location.DistanceKmTo(other.Location);
}
