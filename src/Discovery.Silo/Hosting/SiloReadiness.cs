namespace Discovery.Silo.Hosting;

/// <summary>
/// What <c>/readyz</c> needs beyond membership: whether this silo has registered its site's nodes. Set by the
/// start-up task that registers them, read by the health endpoint.
/// </summary>
public sealed class SiloReadiness
{
    private volatile int _nodesRegistered = -1;

    /// <summary>How many nodes of its site this silo registered, or null while it has not yet.</summary>
    public int? NodesRegistered => _nodesRegistered < 0 ? null : _nodesRegistered;

    /// <summary>Records that the site's <paramref name="count"/> nodes are registered.</summary>
    public void MarkNodesRegistered(int count) => _nodesRegistered = count;
}
