namespace Discovery.Grains.Sites;

/// <summary>The durable record of a site: its nodes, and which silo runs each node's agent.</summary>
[GenerateSerializer, Alias("discovery.site-state")]
public sealed class SiteState
{
    /// <summary>Node names, kept sorted.</summary>
    [Id(0)] public SortedSet<string> Nodes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>For each node, the silo that last activated its agent.</summary>
    [Id(1)] public Dictionary<string, string> AgentSilo { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Silos whose death this site already handled, so every silo may report it without duplicates.</summary>
    [Id(2)] public HashSet<string> DeadSilos { get; set; } = new(StringComparer.Ordinal);
}
