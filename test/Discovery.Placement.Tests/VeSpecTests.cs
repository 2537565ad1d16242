namespace Discovery.Placement.Tests;

/// <summary>Spec validation: every problem names the VM and the constraint.</summary>
public sealed class VeSpecTests
{
    private static IReadOnlyList<string> Problems(IEnumerable<VmTemplate> vms, params PlacementConstraint[] constraints) =>
        new VeSpec(vms.ToList(), constraints).Validate();

    [Fact]
    public void A_sound_three_tier_spec_has_no_problem()
    {
        var problems = Problems([new("web", 2, 2048, Count: 2), new("db", 4, 8192)], new Spread(["web"]), new Fence(["db"], ["paris"]));

        Assert.Empty(problems);
    }

    [Fact]
    public void Gather_and_spread_on_the_same_vms_is_impossible() =>
        Assert.Equal(["Spread(a, b) and Gather(a, b) both hold a, b: they cannot share one node and be on distinct nodes"],
            Problems([new("a", 1, 1), new("b", 1, 1)], new Gather(["a", "b"]), new Spread(["a", "b"])));

    [Fact]
    public void Contradictions_are_found_and_named()
    {
        Assert.Contains(Problems([new("a", 1, 1, Count: 2)], new SiteGather(["a"]), new SiteSpread(["a"])), p => p.Contains("SiteSpread(a) and SiteGather(a)"));
        Assert.Contains(Problems([new("a", 1, 1, Count: 3)], new Gather(["a"]), new MaxPerNode(["a"], 2)), p => p.Contains("3 VMs (a-1, a-2, a-3) cannot share one node"));
        Assert.Contains(Problems([new("db", 1, 1)], new Fence(["db"], ["paris"]), new Ban([], ["paris", "lyon"])), p => p.Contains("leave db nowhere to run"));
    }

    [Fact]
    public void Breaches_name_each_vm_that_breaks_a_constraint_where_it_stands_and_ignore_vms_not_placed()
    {
        var spec = new VeSpec([new("web", 1, 1, Count: 2), new("db", 1, 1)], [new Spread(["web"]), new SiteGather(["web-1", "db"])]);
        PlacementHost On(string node) => new(node, node.Split('/')[0]);

        Assert.Empty(spec.Breaches(new Dictionary<string, PlacementHost> { ["web-1"] = On("lyon/n1"), ["web-2"] = On("lyon/n2"), ["db"] = On("lyon/n2") }));
        Assert.Empty(spec.Breaches(new Dictionary<string, PlacementHost> { ["web-1"] = On("lyon/n1") }));
        Assert.Equal(
            ["web-1 on lyon/n1 breaks Spread(web): web-2 is already on lyon/n1", "web-2 on lyon/n1 breaks Spread(web): web-1 is already on lyon/n1",
             "web-1 on lyon/n1 breaks SiteGather(web-1, db): db is on site paris", "db on paris/n3 breaks SiteGather(web-1, db): web-1 is on site lyon"],
            spec.Breaches(new Dictionary<string, PlacementHost> { ["web-1"] = On("lyon/n1"), ["web-2"] = On("lyon/n1"), ["db"] = On("paris/n3") }));
    }

    [Fact]
    public void Bad_vms_and_references_are_named()
    {
        Assert.Equal(["a VE needs at least one VM"], new VeSpec([]).Validate());
        Assert.Contains(Problems([new("web", 0, 1)]), p => p.Contains("VM 'web': vcpus must be between"));
        Assert.Contains(Problems([new("web", 1, 1, Count: 0)]), p => p.Contains("VM 'web': count must be between"));
        Assert.Contains(Problems([new("web", 1, 1)], new Spread(["web", "cache"])), p => p.Contains("Spread(web, cache) names VM 'cache'"));
        Assert.Contains(Problems([new("web", 1, 1), new("web", 1, 1)]), p => p.Contains("'web' is used twice"));
        Assert.Contains(Problems([new("a/b", 1, 1)]), p => p.Contains("VM name 'a/b'"));
        Assert.Contains(Problems([new("a", 1, 1)], new Fence(["a"], [])), p => p.Contains("Fence needs at least one site"));
        Assert.Contains(Problems([new("a", 1, 1)], new MaxPerSite(["a"], 0)), p => p.Contains("max of at least 1"));
    }

    [Fact]
    public void A_template_name_stands_for_its_replicas()
    {
        var spec = new VeSpec([new("web", 1, 1, Count: 3), new("db", 1, 1)]);

        Assert.Equal(["web-1", "web-2", "web-3"], spec.MembersOf(new Spread(["web"])));
        Assert.Equal(["web-2", "db"], spec.MembersOf(new Spread(["web-2", "db"])));
        Assert.Equal(4, spec.MembersOf(new Spread([])).Count);
    }
}
