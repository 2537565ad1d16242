using Discovery.Network.Topology;

namespace Discovery.Network.Latency;

/// <summary>
/// An emulated WAN from the sites' geography, for the embedded default and the tests: fibre along the backbone (or
/// <see cref="BackboneTopology.UnlinkedStretch"/> × the great circle), an access delay per node derived from its id,
/// and a few percent of jitter on every sample — so the latency filter has something to filter.
/// </summary>
public sealed class GeographicProbe(Func<string, string, double> fibreKm, Random random, double jitter = 0.05) : IRttProbe
{
    /// <summary>A probe over <paramref name="topology"/>'s fibre paths.</summary>
    public static GeographicProbe Over(BackboneTopology topology, int seed) => new(topology.FibreKm, new Random(seed));

    /// <summary>A probe over sites known only by location: fibre is the stretched great circle.</summary>
    public static GeographicProbe Over(IReadOnlyDictionary<string, GeoPoint> sites, int seed) =>
        new((a, b) => sites.TryGetValue(a, out var pa) && sites.TryGetValue(b, out var pb)
            ? pa.DistanceKmTo(pb) * BackboneTopology.UnlinkedStretch
            : 0, new Random(seed));

    /// <inheritdoc />
    public string Describe => "emulated WAN from site geography";

    /// <inheritdoc />
    public Task<double?> MeasureAsync(ProbeTarget from, ProbeTarget to, CancellationToken cancellationToken = default)
    {
        var baseRtt = 2 * GeographicWan.FibreMsPerKmOneWay * fibreKm(from.Site, to.Site) + AccessMs(from.Id) + AccessMs(to.Id);
        double noise;
        lock (random)
            noise = random.NextDouble();
        return Task.FromResult<double?>(baseRtt * (1 + jitter * (2 * noise - 1)));
    }

    /// <summary>The access delay of a node, 0.1–2 ms, the same for a node id every time.</summary>
    public static double AccessMs(string node)
    {
        var hash = 2166136261u; // FNV-1a: stable across processes, unlike string.GetHashCode
        foreach (var c in node)
            hash = (hash ^ c) * 16777619u;
        return 0.1 + hash / (double)uint.MaxValue * 1.9;
    }
}
