namespace Discovery.Abstractions.Sites;

/// <summary>The cluster at a glance: its sites and the silos serving them. Answered by any silo.</summary>
public interface IClusterOverviewGrain : IGrainWithIntegerKey
{
    /// <summary>Every site of the infrastructure or with a silo, ordered by name, with its silos up and down.</summary>
    Task<IReadOnlyList<SiteOverview>> GetSitesAsync();
}

/// <summary>One site (PoP) as the cluster sees it.</summary>
/// <param name="Name">The site's name.</param>
/// <param name="Latitude">Where the PoP is, when the infrastructure says.</param>
/// <param name="Longitude">Where the PoP is, when the infrastructure says.</param>
/// <param name="SilosUp">Addresses of the site's active silos.</param>
/// <param name="SilosDown">Addresses of the site's silos declared dead.</param>
[GenerateSerializer, Immutable, Alias("discovery.site-overview")]
public sealed record SiteOverview(
    [property: Id(0)] string Name,
    [property: Id(1)] double? Latitude,
    [property: Id(2)] double? Longitude,
    [property: Id(3)] IReadOnlyList<string> SilosUp,
    [property: Id(4)] IReadOnlyList<string> SilosDown)
{
    /// <summary>True when at least one silo serves the site.</summary>
    public bool IsUp => SilosUp.Count > 0;
}
