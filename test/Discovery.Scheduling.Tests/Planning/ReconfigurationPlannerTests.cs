using static Discovery.Scheduling.Tests.Infra;

namespace Discovery.Scheduling.Tests.Planning;

public sealed class ReconfigurationPlannerTests
{
    [Fact]
    public void An_overloaded_node_is_relieved_by_one_migration_of_its_biggest_vm_to_the_nearest_node()
    {
        NodeState[] nodes = [Node("n1", 4, ("a", 2), ("b", 3)), Node("n2", 4), Node("n3", 4)];

        var outcome = Plan(Overload("n1"), nodes);

        Assert.Equal(["b: n1 → n2"], outcome.Plan!.Migrations.Select(m => m.ToString()));
        Assert.False(Replay(nodes, outcome.Plan)["n1"].IsOverloaded);
    }

    [Fact]
    public void A_node_within_capacity_needs_no_migration()
    {
        var outcome = Plan(Overload("n1"), [Node("n1", 4, ("a", 4)), Node("n2", 4)]);

        Assert.Empty(outcome.Plan!.Migrations);
    }

    [Fact]
    public void Root_vms_never_move_even_when_moving_them_would_take_fewer_migrations()
    {
        // Moving the root VM alone would do; without it two small VMs must go.
        NodeState[] nodes = [Node("n1", 4, ("big", 3), ("s1", 1), ("s2", 1)), Node("n2", 4)];

        var outcome = Plan(Overload("n1"), nodes, new Root(["big"]));

        Assert.DoesNotContain(outcome.Plan!.Migrations, m => m.Vm == "big");
        Assert.Single(outcome.Plan.Migrations);
    }

    [Fact]
    public void A_node_whose_only_vm_is_root_has_no_plan_and_the_reason_names_the_root()
    {
        var outcome = Plan(Overload("n1"), [Node("n1", 2, ("db", 3)), Node("n2", 8)], new Root(["db"]));

        Assert.False(outcome.Succeeded);
        Assert.Contains("Root(db)", outcome.Failure);
    }

    [Fact]
    public void Spread_sends_the_vm_past_the_node_that_runs_its_sibling()
    {
        NodeState[] nodes = [Node("n1", 4, ("a", 1), ("b", 4)), Node("n2", 4, ("c", 1)), Node("n3", 4)];

        var outcome = Plan(Overload("n1"), nodes, new Spread(["a", "c"]), new Root(["b"]));

        Assert.Equal(["a: n1 → n3"], outcome.Plan!.Migrations.Select(m => m.ToString()));
    }

    [Fact]
    public void Spread_counts_the_siblings_outside_the_partition()
    {
        NodeState[] nodes = [Node("n1", 4, ("a", 1), ("b", 4)), Node("n2", 4), Node("n3", 4)];
        var outside = new Dictionary<string, PlacementHost> { ["c"] = new("n2", "s1") };

        var outcome = new ReconfigurationPlanner().Plan(new PartitionProblem(nodes, [Bind(new Spread(["a", "c"])), Bind(new Root(["b"]))], outside, Overload("n1")));

        Assert.Equal("n3", outcome.Plan!.Migrations.Single().To);
    }

    [Fact]
    public void Fence_and_Ban_keep_the_vm_on_allowed_nodes_even_if_farther()
    {
        NodeState[] nodes = [NodeAt("n1", "lyon", 4, ("a", 2), ("b", 3)), NodeAt("n2", "paris", 4), NodeAt("n3", "lyon", 4), NodeAt("n4", "lyon", 4)];

        var outcome = Plan(Overload("n1"), nodes, new Fence(["a", "b"], ["lyon"]), new Ban(["a", "b"], ["n3"]));

        Assert.Equal("n4", outcome.Plan!.Migrations.Single().To);
    }

    [Fact]
    public void Gathered_vms_move_together_and_count_as_one_migration_each()
    {
        NodeState[] nodes = [Node("n1", 4, ("a", 2), ("b", 2), ("r", 2)), Node("n2", 4)];

        var outcome = Plan(Overload("n1"), nodes, new Gather(["a", "b"]), new Root(["r"]));

        Assert.Equal(["a", "b"], outcome.Plan!.Migrations.Select(m => m.Vm).Order());
        Assert.All(outcome.Plan.Migrations, m => Assert.Equal("n2", m.To));
    }

    [Fact]
    public void A_vm_gathered_with_one_outside_the_partition_does_not_move()
    {
        NodeState[] nodes = [Node("n1", 2, ("a", 3)), Node("n2", 8)];
        var outside = new Dictionary<string, PlacementHost> { ["b"] = new("n9", "s1") };

        var outcome = new ReconfigurationPlanner().Plan(new PartitionProblem(nodes, [Bind(new Gather(["a", "b"]))], outside, Overload("n1")));

        Assert.Contains("b is on n9, outside the partition", outcome.Failure);
    }

    [Fact]
    public void Room_is_made_first_so_no_node_is_ever_above_capacity()
    {
        // b (2) fits nowhere as things are; moving d (1) from n2 to n3 first frees room for it on n2.
        NodeState[] nodes = [Node("n1", 4, ("a", 3), ("b", 2)), Node("n2", 4, ("c", 2), ("d", 1)), Node("n3", 4, ("e", 3))];

        var outcome = Plan(Overload("n1"), nodes, new Root(["a", "c", "e"]));

        Assert.Equal(["d: n2 → n3", "b: n1 → n2"], outcome.Plan!.Migrations.Select(m => m.ToString()));
        var after = Replay(nodes, outcome.Plan);
        Assert.All(after.Values, n => Assert.False(n.IsOverloaded));
    }

    [Fact]
    public void Migrations_that_wait_on_each_other_in_a_cycle_are_reported_as_a_cycle()
    {
        NodeState[] nodes = [Node("n1", 4, ("a", 3)), Node("n2", 4, ("b", 3))];
        Migration[] swap = [new("a", "n1", "n2", new VmLoad(3, VmMemoryMiB)), new("b", "n2", "n1", new VmLoad(3, VmMemoryMiB))];

        var (order, failure) = MigrationOrder.Sequence(swap, nodes);

        Assert.Null(order);
        Assert.Contains("cycle", failure);
    }

    [Fact]
    public void Migrations_are_ordered_so_that_each_target_has_room_when_its_turn_comes()
    {
        NodeState[] nodes = [Node("n1", 4, ("a", 3)), Node("n2", 4, ("b", 3)), Node("n3", 4)];
        Migration[] moves = [new("a", "n1", "n2", new VmLoad(3, VmMemoryMiB)), new("b", "n2", "n3", new VmLoad(3, VmMemoryMiB))];

        var (order, _) = MigrationOrder.Sequence(moves, nodes);

        Assert.Equal(["b", "a"], order!.Select(m => m.Vm));
    }

    [Fact]
    public void When_every_other_node_is_full_there_is_no_plan_and_the_reason_says_what_each_lacks()
    {
        var outcome = Plan(Overload("n1"), [Node("n1", 4, ("a", 3), ("b", 3)), Node("n2", 4, ("c", 4)), Node("n3", 4, ("d", 3.5))]);

        Assert.False(outcome.Succeeded);
        Assert.Contains("Overload of n1", outcome.Failure);
        Assert.Contains("fits no other node", outcome.Failure);
        Assert.Contains("n2: would carry", outcome.Failure);
    }

    [Fact]
    public void Consolidation_empties_a_lightly_loaded_node_without_breaking_spread_nor_waking_an_empty_node()
    {
        NodeState[] nodes = [Node("n1", 4, ("a", 0.2), ("b", 0.3)), Node("n2", 4, ("x", 1)), Node("n3", 4, ("y", 1)), Node("n4", 4)];

        var outcome = Plan(Underload("n1"), nodes, new Spread(["a", "x"]));

        var after = Replay(nodes, outcome.Plan!);
        Assert.Empty(after["n1"].Vms);
        Assert.Empty(after["n4"].Vms);
        Assert.Equal("n3", after.HostOf("a"));
        Assert.Equal(2, outcome.Plan!.Migrations.Count);
    }

    [Fact]
    public void Consolidation_of_a_node_with_a_root_vm_is_refused_with_the_reason()
    {
        var outcome = Plan(Underload("n1"), [Node("n1", 4, ("a", 0.2)), Node("n2", 4, ("x", 1))], new Root(["a"]));

        Assert.Contains("Root(a): a never migrates", outcome.Failure);
    }

    [Fact]
    public void The_event_node_must_be_in_the_partition()
    {
        var error = Assert.Throws<ArgumentException>(() => Plan(Overload("n9"), [Node("n1", 4)]));

        Assert.Contains("n9", error.Message);
    }
}
