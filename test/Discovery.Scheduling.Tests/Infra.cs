namespace Discovery.Scheduling.Tests;

/// <summary>Hand-made nodes on a line: node i's neighbours are the others by distance |i - j|, lower index first on ties.</summary>
internal static class Infra
{
    public const long VmMemoryMiB = 1024;

    /// <summary>A node of site s1 with <paramref name="cpus"/> vCPUs and VMs of the given CPU demand.</summary>
    public static NodeState Node(string name, double cpus, params (string Vm, double Cpu)[] vms) => NodeAt(name, "s1", cpus, vms);

    public static NodeState NodeAt(string name, string site, double cpus, params (string Vm, double Cpu)[] vms) =>
        new(new PlacementHost(name, site), new NodeCapacity(cpus, 64 * 1024), vms.Select(v => new HostedVm(v.Vm, new VmLoad(v.Cpu, VmMemoryMiB))).ToList());

    public static BoundConstraint Bind(PlacementConstraint constraint) => new(constraint, constraint.Vms.ToHashSet());

    public static Dictionary<string, IReadOnlyList<string>> Line(IReadOnlyList<NodeState> nodes) =>
        nodes.Select((n, i) => (n.Node, Near: (IReadOnlyList<string>)nodes.Select((m, j) => (m.Node, j)).Where(m => m.j != i)
                .OrderBy(m => Math.Abs(m.j - i)).ThenBy(m => m.j).Select(m => m.Node).ToList()))
            .ToDictionary(x => x.Node, x => x.Near);

    public static PlanOutcome Plan(NodeEvent @event, IReadOnlyList<NodeState> nodes, params PlacementConstraint[] constraints) =>
        new ReconfigurationPlanner().Plan(new PartitionProblem(nodes, constraints.Select(Bind).ToList(), new Dictionary<string, PlacementHost>(), @event));

    public static NodeEvent Overload(string node) => new(node, NodeEventKind.Overload);

    public static NodeEvent Underload(string node) => new(node, NodeEventKind.Underload);

    /// <summary>Replays <paramref name="plan"/> in order, failing if any step puts a target above capacity; returns the nodes after it.</summary>
    public static Dictionary<string, NodeState> Replay(IReadOnlyList<NodeState> nodes, ReconfigurationPlan plan)
    {
        var current = nodes.ToList();
        foreach (var migration in plan.Migrations)
        {
            current = CentralisedSchedulerApply(current, migration);
            var target = current.Single(n => n.Node == migration.To);
            Assert.True(target.Capacity.Holds(target.Load), $"after {migration} {target} is above capacity");
        }
        return current.ToDictionary(n => n.Node);
    }

    private static List<NodeState> CentralisedSchedulerApply(List<NodeState> nodes, Migration migration) =>
        Discovery.Scheduling.Procedures.CentralisedScheduler.Apply(nodes, new ReconfigurationPlan([migration]));

    public static string HostOf(this IReadOnlyDictionary<string, NodeState> nodes, string vm) => nodes.Values.Single(n => n.Vms.Any(v => v.Vm == vm)).Node;
}
