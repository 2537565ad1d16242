namespace Discovery.Network.Latency;

/// <summary>A node as a probe sees it: its id, its site, and the address its agent answers on (if any).</summary>
/// <param name="Id">The node's id, e.g. <c>lyon/node-3</c>.</param>
/// <param name="Site">The node's site.</param>
/// <param name="Address">Where the node's agent answers (<c>host:port</c>), for real measurements.</param>
public sealed record ProbeTarget(string Id, string Site, string? Address = null);

/// <summary>
/// Measures the RTT between two nodes: really (a timed TCP connect), or from an emulated WAN (a matrix file, or the
/// sites' geography). Node agents feed what it returns to Vivaldi; nothing in the product reads a "true" coordinate.
/// </summary>
public interface IRttProbe
{
    /// <summary>What kind of measurement this is, for logs ("tcp", "matrix FILE", "geography").</summary>
    string Describe { get; }

    /// <summary>The RTT from <paramref name="from"/> to <paramref name="to"/> in ms, or null when it cannot be measured now.</summary>
    Task<double?> MeasureAsync(ProbeTarget from, ProbeTarget to, CancellationToken cancellationToken = default);
}
