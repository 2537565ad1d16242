using static Discovery.Placement.Tests.Infra;

namespace Discovery.Placement.Tests;

public sealed class PlacementSearchTests
{
    [Fact]
    public void Vms_go_to_the_closest_node_that_has_room()
    {
        var candidates = Sites(("fr-paris", 1, 1, 4), ("fr-lyon", 5, 2, 8));

        var outcome = Solve(Ve([Vm("a", 2), Vm("b", 2), Vm("c", 4)]), candidates);

        Assert.True(outcome.Succeeded, outcome.Failure);
        Assert.Equal("fr-paris", outcome.SiteOf("c"));
        Assert.Equal("fr-lyon", outcome.SiteOf("a"));
        Assert.Equal("fr-lyon", outcome.SiteOf("b"));
    }

    [Fact]
    public void Capacity_is_never_exceeded_by_the_plan()
    {
        var candidates = Sites(("fr-paris", 1, 3, 4));

        var outcome = Solve(Ve([Vm("w", 1, count: 12)]), candidates);

        Assert.True(outcome.Succeeded, outcome.Failure);
        Assert.All(outcome.Plan!.GroupBy(p => p.Value.Host.Node), g => Assert.Equal(4, g.Count()));
        Assert.False(Solve(Ve([Vm("w", 1, count: 13)]), candidates).Succeeded);
    }

    [Fact]
    public void A_failure_names_the_vm_and_what_excluded_each_candidate()
    {
        var candidates = Sites(("fr-paris", 1, 3, 8), ("fr-lyon", 5, 2, 2));

        var outcome = Solve(Ve([Vm("db", 4)], new Fence(["db"], ["fr-lyon"])), candidates);

        Assert.False(outcome.Succeeded);
        Assert.Contains("VM db fits none of the 5 candidates", outcome.Failure);
        Assert.True(outcome.Failure!.Contains("Fence(db; only fr-lyon) on 3"), outcome.Failure);
        Assert.Contains("not enough free capacity on 2", outcome.Failure);
        Assert.Contains("needs 4 vCPUs but only 2 are free", outcome.Failure);
    }

    [Fact]
    public void Backtracking_moves_an_early_vm_when_a_later_one_needs_its_site()
    {
        // Greedy would put a on paris (closest) and then fail b; the search must move both to lyon.
        var candidates = Sites(("fr-paris", 1, 1, 2), ("fr-lyon", 5, 1, 8));

        var outcome = Solve(Ve([Vm("a", 1), Vm("b", 4)], new SiteGather(["a", "b"])), candidates);

        Assert.True(outcome.Succeeded, outcome.Failure);
        Assert.Equal(("fr-lyon", "fr-lyon"), (outcome.SiteOf("a"), outcome.SiteOf("b")));
    }

    [Fact]
    public void Interchangeable_nodes_are_not_retried_one_by_one()
    {
        // 200 identical nodes, 30 VMs spread on distinct sites that do not exist: fails fast, not after 200^k steps.
        var candidates = Sites(("fr-paris", 1, 100, 8), ("fr-lyon", 5, 100, 8));

        var outcome = Solve(Ve([Vm("w", 1, count: 3)], new SiteSpread(["w"])), candidates);

        Assert.False(outcome.Succeeded);
        Assert.True(outcome.Steps < 5_000, $"{outcome.Steps} steps");
        Assert.True(outcome.Failure!.Contains("SiteSpread(w)"), outcome.Failure);
    }

    [Fact]
    public void Fixed_vms_count_for_constraints_and_capacity_is_what_the_candidates_report()
    {
        var spec = Ve([Vm("a"), Vm("b")], new Spread(["a", "b"]));
        var current = new Dictionary<string, PlacementHost> { ["a"] = new("fr-paris/n1", "fr-paris"), ["b"] = new("fr-paris/n2", "fr-paris") };
        var candidates = Sites(("fr-paris", 1, 2, 4), ("fr-lyon", 5, 1, 4));

        var outcome = new PlacementSearch().Solve(PlacementProblem.For(spec, current, moving: ["b"]), candidates);

        Assert.True(outcome.Succeeded, outcome.Failure);
        Assert.Equal(["b"], outcome.Plan!.Keys);
        Assert.NotEqual("fr-paris/n1", outcome.HostOf("b"));
    }

    [Fact]
    public void No_candidate_at_all_says_so()
    {
        var outcome = Solve(Ve([Vm("a")]), []);

        Assert.Equal("no candidate node within reach", outcome.Failure);
    }

    [Fact]
    public void Random_problems_never_get_a_plan_that_breaks_a_constraint_or_a_capacity()
    {
        var random = new Random(42);
        var kinds = new Func<string[], PlacementConstraint>[]
        {
            v => new Spread(v), v => new Gather(v), v => new SiteSpread(v), v => new SiteGather(v),
            v => new MaxPerNode(v, 1 + random.Next(2)), v => new MaxPerSite(v, 1 + random.Next(3)),
            v => new Fence(v, ["fr-a", "fr-b"]), v => new Ban(v, ["fr-c"]), v => new Among(v, [["fr-a"], ["fr-b", "fr-c"]]),
        };
        for (var round = 0; round < 300; round++)
        {
            var candidates = Sites(("fr-a", 1, 1 + random.Next(3), 2 + random.Next(6)), ("fr-b", 3, 1 + random.Next(3), 2 + random.Next(6)),
                ("fr-c", 9, 1 + random.Next(3), 2 + random.Next(6)));
            var vms = Enumerable.Range(0, 2 + random.Next(4)).Select(i => Vm($"v{i}", 1 + random.Next(3))).ToList();
            var constraints = Enumerable.Range(0, random.Next(3)).Select(_ =>
                kinds[random.Next(kinds.Length)](vms.Where(_ => random.Next(2) == 0).Select(v => v.Name).DefaultIfEmpty(vms[0].Name).ToArray())).ToArray();
            var spec = Ve(vms, constraints);
            if (spec.Validate().Count > 0)
                continue;

            var outcome = Solve(spec, candidates);

            if (!outcome.Succeeded)
                continue;
            foreach (var node in outcome.Plan!.GroupBy(p => p.Value.Host.Node))
            {
                var used = node.Aggregate(Resources.None, (sum, p) => sum + vms.Single(v => v.Name == p.Key).Demand);
                Assert.True(node.First().Value.Free.Holds(used), $"round {round}: {node.Key} overcommitted");
            }
            Assert.Empty(spec.Breaches(outcome.Plan!.ToDictionary(p => p.Key, p => p.Value.Host)));
        }
    }
}
