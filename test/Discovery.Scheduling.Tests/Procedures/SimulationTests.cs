using Discovery.Scheduling.Procedures;
using static Discovery.Scheduling.Tests.Infra;

namespace Discovery.Scheduling.Tests.Procedures;

public sealed class SimulationTests
{
    private static Simulation Simulate(NodeState[] nodes, SimulationOptions? options = null, params PlacementConstraint[] constraints) =>
        new(nodes, constraints.Select(Bind).ToList(), Line(nodes), options);

    [Fact]
    public void An_overloaded_node_is_relieved_by_a_migration_to_its_nearest_neighbour()
    {
        var sim = Simulate([Node("n0", 4, ("a", 2), ("b", 3)), Node("n1", 4), Node("n2", 4)]);
        sim.Raise(Overload("n0"));

        var report = sim.Run();

        var record = Assert.Single(report.Events);
        Assert.True(record.Resolved);
        Assert.Equal(2, record.PartitionSize);
        Assert.Equal("n1", sim.Nodes.HostOf("b"));
        Assert.All(sim.Nodes.Keys, n => Assert.Null(sim.NodeOf(n).HeldBy));
    }

    [Fact]
    public void The_partition_grows_past_a_full_neighbour()
    {
        var sim = Simulate([Node("n0", 4, ("a", 2), ("b", 3)), Node("n1", 4, ("c", 4)), Node("n2", 4), Node("n3", 4)]);
        sim.Raise(Overload("n0"));

        var report = sim.Run();

        Assert.Equal(3, report.Events.Single().PartitionSize);
        Assert.Equal("n2", sim.Nodes.HostOf("b"));
    }

    [Fact]
    public void An_event_no_node_can_take_is_reported_unsolvable_after_the_whole_ring_was_asked()
    {
        var sim = Simulate([Node("n0", 4, ("a", 3), ("b", 3)), Node("n1", 4, ("c", 4)), Node("n2", 4, ("d", 4))]);
        sim.Raise(Overload("n0"));

        var report = sim.Run();

        var record = Assert.Single(report.Unsolvable);
        Assert.Equal(3, record.PartitionSize);
        Assert.Contains("fits no other node", record.Reason);
    }

    [Fact]
    public void Two_simultaneous_events_next_to_each_other_both_resolve_without_sharing_a_node()
    {
        NodeState[] nodes = [Node("n0", 4), Node("n1", 4, ("a", 3), ("b", 2)), Node("n2", 4, ("c", 3), ("d", 2)), Node("n3", 4), Node("n4", 4)];
        var sim = Simulate(nodes);
        sim.Raise(Overload("n1"));
        sim.Raise(Overload("n2"));

        var report = sim.Run();

        Assert.Equal(2, report.Resolved.Count());
        Assert.Empty(report.Violations);
        Assert.All(sim.Nodes.Values, n => Assert.False(n.IsOverloaded));
    }

    [Fact]
    public void Members_of_a_failed_leader_are_released_after_the_lease()
    {
        // Migrations take long, so the leader is still applying its plan when it fails.
        var options = new SimulationOptions(MigrationSeconds: 100, Dvms: new DvmsOptions(LeaseSeconds: 5));
        var sim = Simulate([Node("n0", 4, ("a", 2), ("b", 3)), Node("n1", 4, ("c", 4)), Node("n2", 4)], options);
        sim.Raise(Overload("n0"));
        sim.Crash("n0", at: 10);

        sim.Run(until: 9);
        Assert.NotNull(sim.NodeOf("n1").HeldBy);
        Assert.NotNull(sim.NodeOf("n2").HeldBy);
        sim.Run(until: 14);
        Assert.NotNull(sim.NodeOf("n2").HeldBy);
        var report = sim.Run(until: 20);

        Assert.Null(sim.NodeOf("n1").HeldBy);
        Assert.Null(sim.NodeOf("n2").HeldBy);
        Assert.Single(report.Unfinished);
    }

    [Fact]
    public void A_freed_node_can_then_serve_another_procedure()
    {
        var options = new SimulationOptions(MigrationSeconds: 100, Dvms: new DvmsOptions(LeaseSeconds: 5));
        // n1 has room for both overloads, but is held by n0's partition until n0's lease runs out.
        var sim = Simulate([Node("n0", 4, ("a", 2), ("b", 3)), Node("n1", 8), Node("n2", 4, ("c", 3), ("d", 2))], options);
        sim.Raise(Overload("n0"));
        sim.Crash("n0", at: 10);
        sim.Raise(Overload("n2"), at: 11);

        var report = sim.Run(until: 400);

        var n2 = report.Resolved.Single(r => r.Event == Overload("n2"));
        Assert.True(n2.EndedAt > 15, $"n2 resolved at {n2.EndedAt}, before n0's lease on n1 ran out");
        Assert.Equal("n1", sim.Nodes.HostOf("c"));
    }

    [Fact]
    public void Consolidation_empties_a_node_through_the_procedure()
    {
        var sim = Simulate([Node("n0", 8, ("a", 0.5)), Node("n1", 8, ("x", 4)), Node("n2", 8, ("y", 4))], constraints: new Spread(["a", "x"]));
        sim.Raise(Underload("n0"));

        var report = sim.Run();

        Assert.True(report.Events.Single().Resolved);
        Assert.Equal("n2", sim.Nodes.HostOf("a"));
    }

    [Fact]
    public void A_run_with_a_random_walk_workload_is_the_same_for_the_same_seed()
    {
        SimulationReport RunOnce()
        {
            var nodes = Enumerable.Range(0, 8).Select(i => Node($"n{i}", 4, ($"v{i}a", 1), ($"v{i}b", 1), ($"v{i}c", 1))).ToArray();
            var sizes = nodes.SelectMany(n => n.Vms).ToDictionary(v => v.Vm, _ => new VmSize(2, VmMemoryMiB));
            var sim = Simulate(nodes, new SimulationOptions(Seed: 5));
            sim.AttachWorkload(new RandomWalkDemand(new RandomWalkOptions(Seed: 5, StepSeconds: 10, Volatility: 1, MaxStepFraction: 0.5), sizes), new OverloadDetector(new OverloadOptions(UnderloadThreshold: 0.1)), 10);
            return sim.Run(until: 600);
        }

        var first = RunOnce();
        var second = RunOnce();

        Assert.NotEmpty(first.Events);
        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.Messages, second.Messages);
        Assert.Empty(first.Violations);
    }
}
