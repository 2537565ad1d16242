namespace Discovery.Grains.Sites;

/// <summary>The durable record of a site: the names of its nodes.</summary>
[GenerateSerializer, Alias("discovery.site-state")]
public sealed class SiteState
{
    /// <summary>Node names, kept sorted.</summary>
    [Id(0)] public SortedSet<string> Nodes { get; set; } = new(StringComparer.Ordinal);
}
