namespace Discovery.Abstractions.Sites;

/// <summary>
/// The registry of one site (point of presence), keyed by the site name. It runs on the site's own silos and knows
/// which nodes belong to the site.
/// </summary>
[Alias("discovery.site")]
public interface ISiteGrain : IGrainWithStringKey
{
    /// <summary>Records that a node belongs to this site; idempotent.</summary>
    [Alias("add-node")]
    Task AddNodeAsync(string nodeName);

    /// <summary>The names of the site's nodes, in order.</summary>
    [Alias("nodes")]
    Task<IReadOnlyList<string>> GetNodeNamesAsync();
}
