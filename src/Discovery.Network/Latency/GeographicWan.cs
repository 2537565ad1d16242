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
    /// <paramref name="count"/> nodes spread over the PoPs at random, with access delays of 0.1–2 ms, their RTTs
    /// computed when asked (no n² matrix: fine for tens of thousands of nodes); the same seed gives the same network.
    /// </summary>
    public IRttSource Network(int count, int seed)
    {
        var random = new Random(seed);
        var site = Enumerable.Range(0, count).Select(_ => _topology.Pops[random.Next(_topology.Pops.Count)].Name).ToArray();
        var access = Enumerable.Range(0, count).Select(_ => 0.1 + random.NextDouble() * 1.9).ToArray();
        return new OnTheFly(this, site, access, seed);
    }

    private sealed class OnTheFly(GeographicWan wan, string[] site, double[] access, int seed) : IRttSource
    {
        public int Count => site.Length;

        // The pair's jitter comes from a hash of the pair, so it is the same every time, in both directions and in
        // every process (HashCode is seeded per process, so it would not do).
        public double? RttMs(int i, int j) => i == j ? 0 : wan.RttMs(site[i], access[i], site[j], access[j], Noise(Math.Min(i, j), Math.Max(i, j)));

        private double Noise(int a, int b)
        {
            // SplitMix64 finaliser over the seed and the pair.
            var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + ((ulong)(uint)a << 32 | (uint)b));
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }

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
