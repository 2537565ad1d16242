using Discovery.Network.Topology;

namespace Discovery.Network.Latency;

/// <summary>
/// An emulated WAN from a backbone's geography: nodes sit at PoPs behind access links; the RTT between two nodes is
/// the fibre along the backbone at 5 µs per km each way, plus both access delays, plus a little jitter per pair. Used
/// by the embedded default and the tests to feed Vivaldi, and to generate well-behaved matrices for benchmarks.
/// </summary>
public sealed class GeographicWan
{
    /// <summary>One-way propagation in fibre, ms per km.</summary>
    public const double FibreMsPerKmOneWay = 0.005;

    private readonly BackboneTopology _topology;
    private readonly double _jitter;

    /// <summary>An emulated WAN over <paramref name="topology"/>; <paramref name="jitter"/> is the relative spread of a pair's RTT.</summary>
    public GeographicWan(BackboneTopology topology, double jitter = 0.05)
    {
        _topology = topology;
        _jitter = jitter;
    }

    /// <summary>The RTT in ms between nodes at PoPs <paramref name="siteA"/> and <paramref name="siteB"/> with the given access delays; <paramref name="noise"/> in [0, 1) picks the jitter.</summary>
    public double RttMs(string siteA, double accessA, string siteB, double accessB, double noise) =>
        (2 * FibreMsPerKmOneWay * _topology.FibreKm(siteA, siteB) + accessA + accessB) * (1 + _jitter * (2 * noise - 1));

    /// <summary>
    /// A matrix of <paramref name="count"/> nodes spread over the PoPs at random, with access delays of 0.1–2 ms; the
    /// same seed gives the same matrix.
    /// </summary>
    public RttMatrix Matrix(int count, int seed)
    {
        var random = new Random(seed);
        var site = Enumerable.Range(0, count).Select(_ => _topology.Pops[random.Next(_topology.Pops.Count)].Name).ToArray();
        var access = Enumerable.Range(0, count).Select(_ => 0.1 + random.NextDouble() * 1.9).ToArray();
        var noise = new double[count, count];
        for (var i = 0; i < count; i++)
            for (var j = i + 1; j < count; j++)
                noise[i, j] = noise[j, i] = random.NextDouble();
        return RttMatrix.From(count, (i, j) => RttMs(site[i], access[i], site[j], access[j], noise[i, j]));
    }
}
