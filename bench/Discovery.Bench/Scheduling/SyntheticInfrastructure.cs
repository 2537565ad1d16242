using Discovery.Abstractions.Environments.Constraints;
using Discovery.Placement;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Workload;

namespace Discovery.Bench.Scheduling;

/// <summary>
/// Sites of 10 to 50 nodes at random points of a 2,000 km square, each node 32 vCPUs and 256 GiB, and VMs of 1 to 8
/// vCPUs (2 GiB per vCPU) dealt round-robin over the nodes, about 1.4 vCPUs allocated per physical vCPU, so a node
/// overloads when its VMs get busy together. One VE in a hundred VMs groups three VMs of one site on three nodes
/// under Spread and Fence(site), its first VM also under Root.
/// </summary>
public sealed class SyntheticInfrastructure
{
    private const int MinNodesPerSite = 10, MaxNodesPerSite = 50, NodeCpus = 32, VmMaxVcpus = 8;
    private const long NodeMemoryMiB = 256 * 1024, MemoryMiBPerVcpu = 2048;
    private const double SquareKm = 2000;

    private SyntheticInfrastructure(List<NodeState> nodes, List<BoundConstraint> constraints, Dictionary<string, VmSize> sizes, Dictionary<string, IReadOnlyList<string>> neighbours, int sites)
    {
        Nodes = nodes;
        Constraints = constraints;
        Sizes = sizes;
        Neighbours = neighbours;
        Sites = sites;
    }

    /// <summary>Every node with its VMs at their initial demand, in site order.</summary>
    public IReadOnlyList<NodeState> Nodes { get; }

    /// <summary>The VEs' constraints.</summary>
    public IReadOnlyList<BoundConstraint> Constraints { get; }

    /// <summary>Each VM's size, for the random walk.</summary>
    public IReadOnlyDictionary<string, VmSize> Sizes { get; }

    /// <summary>For each node, every other node nearest first: its own site, then the other sites by distance.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Neighbours { get; }

    /// <summary>How many sites there are.</summary>
    public int Sites { get; }

    /// <summary>Builds <paramref name="nodeCount"/> nodes and <paramref name="vmCount"/> VMs from <paramref name="seed"/>.</summary>
    public static SyntheticInfrastructure Build(int nodeCount, int vmCount, int seed, double initialFraction)
    {
        var random = new Random(seed);
        var sites = new List<(string Name, double X, double Y, List<string> Nodes)>();
        for (var placed = 0; placed < nodeCount;)
        {
            var size = Math.Min(random.Next(MinNodesPerSite, MaxNodesPerSite + 1), nodeCount - placed);
            var name = $"site{sites.Count:000}";
            sites.Add((name, random.NextDouble() * SquareKm, random.NextDouble() * SquareKm, Enumerable.Range(placed, size).Select(i => $"{name}/n{i - placed:00}").ToList()));
            placed += size;
        }
        var hosts = sites.SelectMany(s => s.Nodes.Select(n => new PlacementHost(n, s.Name))).ToList();
        var vms = hosts.Select(_ => new List<HostedVm>()).ToList();
        var sizes = new Dictionary<string, VmSize>();
        for (var i = 0; i < vmCount; i++)
        {
            var vcpus = random.Next(1, VmMaxVcpus + 1);
            var vm = $"vm{i:000000}";
            sizes[vm] = new VmSize(vcpus, vcpus * MemoryMiBPerVcpu);
            vms[i % hosts.Count].Add(new HostedVm(vm, new VmLoad(initialFraction * vcpus, vcpus * MemoryMiBPerVcpu)));
        }
        var nodes = hosts.Select((h, i) => new NodeState(h, new NodeCapacity(NodeCpus, NodeMemoryMiB), vms[i])).ToList();
        return new SyntheticInfrastructure(nodes, Ves(nodes, random), sizes, NeighbourLists(sites.Select(s => (s.X, s.Y, s.Nodes)).ToList()), sites.Count);
    }

    // Three VMs on three different nodes of one site, every hundredth VM or so: the constraints are kept at the start.
    private static List<BoundConstraint> Ves(List<NodeState> nodes, Random random)
    {
        var constraints = new List<BoundConstraint>();
        var bySite = nodes.GroupBy(n => n.Host.Site).Where(g => g.Count() >= 3).Select(g => g.ToList()).ToList();
        var used = new HashSet<string>();
        for (var ve = 0; ve < nodes.Sum(n => n.Vms.Count) / 100; ve++)
        {
            var site = bySite[random.Next(bySite.Count)];
            var members = site.OrderBy(_ => random.Next()).Take(3)
                .Select(n => n.Vms.FirstOrDefault(v => !used.Contains(v.Vm)).Vm).ToList();
            if (members.Any(m => m is null))
                continue;
            used.UnionWith(members);
            constraints.Add(Bind(new Spread(members)));
            constraints.Add(Bind(new Fence(members, [site[0].Host.Site])));
            constraints.Add(Bind(new Root([members[0]])));
        }
        return constraints;
    }

    private static BoundConstraint Bind(PlacementConstraint constraint) => new(constraint, constraint.Vms.ToHashSet());

    // What the spiral search gives in the product: the node's own site first, then whole sites by distance. Each site
    // shares one list of the other sites' nodes, so 10,000 nodes need 10,000 × sites references, not 10,000².
    private static Dictionary<string, IReadOnlyList<string>> NeighbourLists(List<(double X, double Y, List<string> Nodes)> sites)
    {
        var lists = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var site in sites)
        {
            var elsewhere = sites.Where(s => s.Nodes != site.Nodes)
                .OrderBy(s => Math.Pow(s.X - site.X, 2) + Math.Pow(s.Y - site.Y, 2))
                .SelectMany(s => s.Nodes).ToArray();
            for (var i = 0; i < site.Nodes.Count; i++)
                lists[site.Nodes[i]] = new NeighbourList(site.Nodes, i, elsewhere);
        }
        return lists;
    }

    /// <summary>
    /// The other nodes of the site as a ring starting after this one (so the nodes of a site do not all ask the same
    /// first neighbour, as on DVMS's ring), then the shared list of the other sites' nodes.
    /// </summary>
    private sealed class NeighbourList(List<string> site, int self, string[] elsewhere) : IReadOnlyList<string>
    {
        public int Count => site.Count - 1 + elsewhere.Length;

        public string this[int index] => index < site.Count - 1 ? site[(self + 1 + index) % site.Count] : elsewhere[index - (site.Count - 1)];

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
                yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
