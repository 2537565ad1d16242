namespace Discovery.Abstractions.Placement;

/// <summary>Thrown when a grain must run on a site that has no silo up right now.</summary>
[GenerateSerializer, Alias("discovery.site-unavailable")]
public sealed class SiteUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="site"/>, naming the grain and the sites that are up.</summary>
    public SiteUnavailableException(string site, string grain, IReadOnlyCollection<string> sitesUp)
        : base($"no silo of site '{site}' is up, so {grain} cannot be activated there " +
               $"(sites with a silo up: {(sitesUp.Count == 0 ? "none" : string.Join(", ", sitesUp.Order()))}). " +
               $"Start a silo with --site {site}, or use a key of a site that is up.")
    {
        Site = site;
    }

    /// <summary>The site that has no silo up.</summary>
    [Id(0)] public string Site { get; init; } = "";
}
