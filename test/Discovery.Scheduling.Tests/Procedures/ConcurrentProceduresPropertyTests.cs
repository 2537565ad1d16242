using CsCheck;
using Discovery.Scheduling.Procedures;
using static Discovery.Scheduling.Tests.Infra;

namespace Discovery.Scheduling.Tests.Procedures;

/// <summary>Many events at once on random loads and constraints: the procedure must end, share no node, and keep every constraint.</summary>
public sealed class ConcurrentProceduresPropertyTests
{
    internal sealed record Scenario(NodeState[] Nodes, List<BoundConstraint> Constraints, List<NodeEvent> Events, HashSet<string> Roots, int Seed);

    internal static Scenario Build(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(6, 13);
        var nodes = new NodeState[count];
        var vm = 0;
        for (var i = 0; i < count; i++)
        {
            var vms = Enumerable.Range(0, random.Next(0, 5)).Select(_ => ($"v{vm++}", Math.Round(random.NextDouble() * 2.5 + 0.1, 1))).ToArray();
            nodes[i] = NodeAt($"n{i}", $"s{i / 4}", 6, vms);
        }
        var hostOf = nodes.SelectMany(n => n.Vms.Select(v => (v.Vm, n.Host))).ToDictionary(x => x.Vm, x => x.Host);
        var names = hostOf.Keys.ToList();
        var constraints = new List<BoundConstraint>();
        var roots = new HashSet<string>();
        foreach (var name in names)
        {
            switch (random.Next(6))
            {
                case 0:
                    roots.Add(name);
                    constraints.Add(Bind(new Root([name])));
                    break;
                case 1 when names.FirstOrDefault(o => o != name && hostOf[o].Node != hostOf[name].Node && random.Next(3) == 0) is { } other:
                    constraints.Add(Bind(new Spread([name, other])));
                    break;
                case 2:
                    constraints.Add(Bind(new Ban([name], [nodes[random.Next(count)].Node is var banned && banned != hostOf[name].Node ? banned : "nowhere"])));
                    break;
                case 3:
                    constraints.Add(Bind(new Fence([name], [hostOf[name].Site])));
                    break;
            }
        }
        var events = nodes.Where(n => n.IsOverloaded).Select(n => Overload(n.Node))
            .Concat(nodes.Where(n => n.Vms.Count > 0 && n.Load.Cpu < 1.2).Select(n => Underload(n.Node))).ToList();
        return new Scenario(nodes, constraints, events, roots, seed);
    }

    [Fact]
    public void Simultaneous_events_all_end_share_no_node_and_keep_capacity_and_every_constraint()
    {
        Gen.Int[0, 1_000_000].Sample(seed =>
        {
            var scenario = Build(seed);
            var sim = new Simulation(scenario.Nodes, scenario.Constraints, Line(scenario.Nodes), new SimulationOptions(Seed: seed, MaxSteps: 200_000));
            var applied = 0;
            sim.PlanApplied += plan =>
            {
                applied++;
                foreach (var target in plan.Plan.Migrations.Select(m => m.To).Distinct())
                    Assert.False(plan.Nodes[target].IsOverloaded, $"seed {seed}: {plan.Plan} left {plan.Nodes[target]}");
                var hosts = plan.Nodes.Values.SelectMany(n => n.Vms.Select(v => (v.Vm, n.Host))).ToDictionary(x => x.Vm, x => x.Host);
                Assert.Null(ConstraintChecks.FirstBroken(scenario.Constraints, v => hosts.GetValueOrDefault(v)));
            };
            foreach (var @event in scenario.Events)
                sim.Raise(@event);

            var report = sim.Run();

            Assert.False(report.StoppedEarly, $"seed {seed}: still running after {report.Steps} steps");
            Assert.Empty(report.Violations);
            Assert.Empty(report.Unfinished);
            Assert.Equal(scenario.Events.Count, report.Events.Count);
            Assert.All(report.Unsolvable, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
            foreach (var root in scenario.Roots)
                Assert.Equal(scenario.Nodes.Single(n => n.Vms.Any(v => v.Vm == root)).Node, sim.Nodes.HostOf(root));
            foreach (var resolved in report.Resolved.Where(e => e.Event.Kind == NodeEventKind.Overload))
                Assert.False(sim.Nodes[resolved.Event.Node].IsOverloaded, $"seed {seed}: {resolved.Event} resolved but still overloaded");
            Assert.Equal(report.Migrations, report.Resolved.Sum(e => e.Migrations));
            Assert.DoesNotContain(sim.Nodes.Keys, n => sim.NodeOf(n).HeldBy is not null);
        }, iter: 60, threads: 1);
    }
}
