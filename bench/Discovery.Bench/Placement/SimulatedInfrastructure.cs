using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Network;
using Discovery.Network.Topology;
using Discovery.Placement;

namespace Discovery.Bench.Placement;

/// <summary>
/// Nodes on the PoPs of a backbone, with the "true" network the benchmark scores against: fibre along the backbone at
/// 5 µs per km each way, plus an access delay at each end (node and requester). Placement never sees these: it only
/// has the sites' coordinates, as in the product.
/// </summary>
public sealed class SimulatedInfrastructure
{
    private const double FibreMsPerKmOneWay = 0.005;
    private static readonly Resources[] NodeSizes = [new(16, 65536, 2000), new(32, 131072, 4000), new(64, 262144, 8000)];

    private readonly BackboneTopology _topology;
    private readonly Dictionary<string, double> _accessMs = [];
    private readonly Dictionary<string, Pop> _pops;

    /// <summary>Builds 2 × <paramref name="meanNodesPerSite"/> − 1 … 1 nodes per PoP at random sizes.</summary>
    public SimulatedInfrastructure(BackboneTopology topology, int meanNodesPerSite, Random random)
    {
        _topology = topology;
        _pops = topology.Pops.ToDictionary(p => p.Name);
        foreach (var pop in topology.Pops)
        {
            var count = random.Next(1, 2 * meanNodesPerSite);
            for (var i = 1; i <= count; i++)
            {
                var node = new PlacementHost($"{pop.Name}/n{i}", pop.Name);
                Nodes.Add((node, NodeSizes[random.Next(NodeSizes.Length)]));
                _accessMs[node.Node] = 0.05 + random.NextDouble() * 0.25;
            }
        }
    }

    /// <summary>Every node and its capacity.</summary>
    public List<(PlacementHost Host, Resources Capacity)> Nodes { get; } = [];

    /// <summary>The PoPs' names.</summary>
    public IEnumerable<string> Sites => _pops.Keys;

    /// <summary>Where a site is: all placement knows of the network.</summary>
    public GeoPoint LocationOf(string site) => _pops[site].Location;

    /// <summary>The true RTT from a requester (at a site, with its own access delay) to a node, in ms.</summary>
    public double TrueRttMs(Requester requester, PlacementHost node) =>
        2 * FibreMsPerKmOneWay * _topology.FibreKm(requester.Site, node.Site) + _accessMs[node.Node] + requester.AccessMs;

    /// <summary>Everything free, for a fresh run.</summary>
    public Dictionary<string, Resources> EmptyCapacity() => Nodes.ToDictionary(n => n.Host.Node, n => n.Capacity);
}

/// <summary>A user at a site, behind an access link.</summary>
public sealed record Requester(string Site, double AccessMs);
