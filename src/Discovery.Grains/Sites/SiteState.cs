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

    /// <summary>Losses whose VMs are not all recovered yet, by cause (a dead silo, a lost node).</summary>
    [Id(3)] public Dictionary<string, PendingRecovery> Recoveries { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Nodes lost for one cause, until every VE with a VM on them has been recovered.</summary>
/// <param name="Nodes">The lost nodes' full ids.</param>
/// <param name="Reason">Why they are lost, for the VMs' records.</param>
/// <param name="Since">When the loss was recorded.</param>
[GenerateSerializer, Immutable, Alias("discovery.pending-recovery")]
public sealed record PendingRecovery([property: Id(0)] IReadOnlyList<string> Nodes, [property: Id(1)] string Reason, [property: Id(2)] DateTimeOffset Since);
