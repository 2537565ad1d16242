using static Discovery.Placement.Tests.Infra;

namespace Discovery.Placement.Tests;

/// <summary>Each constraint: a placement that honours it, and the rejection of a host that would break it.</summary>
public sealed class ConstraintTests
{
    private static readonly PlacementHost ParisA = new("fr-paris/n1", "fr-paris", "fr");
    private static readonly PlacementHost ParisB = new("fr-paris/n2", "fr-paris", "fr");
    private static readonly PlacementHost Lyon = new("fr-lyon/n1", "fr-lyon", "fr");
    private static readonly PlacementHost Berlin = new("de-berlin/n1", "de-berlin", "eu");

    // Two closest nodes in paris, one in lyon, two in berlin, all roomy.
    private static readonly List<Candidate> Candidates = Sites(("fr-paris", 1, 2, 16), ("fr-lyon", 4, 1, 16), ("de-berlin", 12, 2, 16));

    [Fact]
    public void Gather_puts_its_vms_on_one_node_and_rejects_any_other()
    {
        var outcome = Solve(Ve([Vm("a", 8), Vm("b", 8), Vm("c", 4)], new Gather(["a", "b"])), Candidates);

        Assert.Equal(outcome.HostOf("a"), outcome.HostOf("b"));
        Assert.Contains("a is on fr-paris/n1", new Gather(["a", "b"]).Reject(ParisB, [new("a", ParisA)]));
    }

    [Fact]
    public void Spread_puts_its_vms_on_distinct_nodes_and_rejects_a_shared_one()
    {
        var outcome = Solve(Ve([Vm("w", 1, count: 3)], new Spread(["w"])), Candidates);

        Assert.Equal(3, outcome.Plan!.Values.Select(c => c.Host.Node).Distinct().Count());
        Assert.Contains("w-1 is already on fr-paris/n1", new Spread(["w"]).Reject(ParisA, [new("w-1", ParisA)]));
        Assert.Null(new Spread(["w"]).Reject(ParisB, [new("w-1", ParisA)]));
    }

    [Fact]
    public void SiteGather_keeps_its_vms_on_one_site()
    {
        // Paris has room for two of the three 16-vCPU VMs only: the whole group must go elsewhere together.
        var outcome = Solve(Ve([Vm("x", 16, count: 3)], new SiteGather(["x"])), Sites(("fr-paris", 1, 2, 16), ("de-berlin", 12, 3, 16)));

        Assert.Single(outcome.Plan!.Values.Select(c => c.Host.Site).Distinct());
        Assert.Equal("de-berlin", outcome.SiteOf("x-1"));
        Assert.Contains("x-1 is on site fr-paris", new SiteGather(["x"]).Reject(Lyon, [new("x-1", ParisA)]));
    }

    [Fact]
    public void SiteSpread_puts_its_vms_on_distinct_sites()
    {
        var outcome = Solve(Ve([Vm("r", 1, count: 3)], new SiteSpread(["r"])), Candidates);

        Assert.Equal(["de-berlin", "fr-lyon", "fr-paris"], outcome.Plan!.Values.Select(c => c.Host.Site).Order());
        Assert.Contains("already on site fr-paris", new SiteSpread(["r"]).Reject(ParisB, [new("r-1", ParisA)]));
    }

    [Fact]
    public void Ban_keeps_vms_off_the_listed_sites_and_nodes()
    {
        var outcome = Solve(Ve([Vm("a"), Vm("b")], new Ban(["a"], ["fr-paris"]), new Ban(["b"], ["fr-paris/n1"])), Candidates);

        Assert.Equal("fr-lyon", outcome.SiteOf("a"));
        Assert.Equal("fr-paris/n2", outcome.HostOf("b"));
        Assert.Contains("excludes fr-paris/n1", new Ban([], ["fr"]).Reject(ParisA, []));
    }

    [Fact]
    public void Fence_keeps_vms_inside_a_jurisdiction_however_far()
    {
        var outcome = Solve(Ve([Vm("db")], new Fence(["db"], ["eu"])), Candidates);

        Assert.Equal("de-berlin", outcome.SiteOf("db"));
        Assert.Null(new Fence([], ["fr"]).Reject(Lyon, []));
        Assert.Contains("excludes de-berlin/n1", new Fence([], ["fr"]).Reject(Berlin, []));
    }

    [Fact]
    public void Among_keeps_all_vms_within_one_group()
    {
        var among = new Among(["a", "b"], [["fr-paris"], ["fr-lyon", "de-berlin"]]);
        // a and b (16 vCPUs each) do not both fit on a paris node beside c... they fit on the two paris nodes.
        var outcome = Solve(Ve([Vm("a", 16), Vm("b", 16), Vm("c", 16)], among, new Ban(["c"], ["fr-lyon", "de-berlin"])), Candidates);

        Assert.True(outcome.Succeeded, outcome.Failure);
        var groupOfA = outcome.SiteOf("a") == "fr-paris" ? new[] { "fr-paris" } : ["fr-lyon", "de-berlin"];
        Assert.Contains(outcome.SiteOf("b"), groupOfA);
        Assert.Contains("no group holds fr-lyon/n1", among.Reject(Lyon, [new("a", ParisA)]));
    }

    [Fact]
    public void MaxPerNode_and_MaxPerSite_cap_how_many_share_a_host()
    {
        var outcome = Solve(Ve([Vm("w", 1, count: 5)], new MaxPerNode(["w"], 2), new MaxPerSite(["w"], 3)), Candidates);

        Assert.True(outcome.Succeeded, outcome.Failure);
        Assert.All(outcome.Plan!.Values.GroupBy(c => c.Host.Node), g => Assert.True(g.Count() <= 2));
        Assert.All(outcome.Plan!.Values.GroupBy(c => c.Host.Site), g => Assert.True(g.Count() <= 3));
        Assert.Contains("already runs 2", new MaxPerNode([], 2).Reject(ParisA, [new("x", ParisA), new("y", ParisA)]));
        Assert.Null(new MaxPerSite([], 2).Reject(ParisA, [new("x", ParisA), new("y", Lyon)]));
    }

    [Fact]
    public void Root_places_normally_but_refuses_to_move()
    {
        var outcome = Solve(Ve([Vm("db")], new Root(["db"])), Candidates);

        Assert.True(outcome.Succeeded);
        Assert.Equal("Root(db): db never migrates", new Root(["db"]).RefuseMove("db"));
    }
}
