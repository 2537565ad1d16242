using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Nodes;

/// <summary>Draining a node, listing VEs and the cluster overview, on the shared three-site cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeDrainTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private static string Req() => Guid.NewGuid().ToString("N");

    private async Task<string> NodeAsync(string name)
    {
        var id = $"lyon/{name}-{_test}";
        await fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(8, 16384));
        return id;
    }

    [Fact]
    public async Task Draining_a_node_moves_its_vms_where_their_ves_allow_and_says_why_one_must_stay()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        var free = await DeployAsync("free", new Fence([], [a, b]));
        var host = free.Vm("web").Node!;
        var other = host == a ? b : a;
        var pinned = await DeployAsync("pinned", new Fence([], [host]));
        Assert.Equal(host, pinned.Vm("web").Node);
        var solo = fixture.Client.GetGrain<IVmGrain>($"tenant-{_test}/solo");
        await solo.DefineAsync(new VmSpec(1, 1024), host);
        await solo.StartAsync();

        var report = await fixture.Client.GetGrain<INodeDrainGrain>(host).DrainAsync(Req());

        // The free VE's VM went to the only other node its fence allows, and runs there.
        Assert.Equal(other, Assert.Single(report.Vms, v => v.Vm == $"tenant-{_test}/free/web").To);
        Assert.Equal((other, VmState.Running), Placement(await Ve("free").LocateAsync()));
        // The pinned VE's VM has nowhere else to go: it stays, and the report says so.
        var stays = Assert.Single(report.Vms, v => v.Vm == $"tenant-{_test}/pinned/web");
        Assert.Null(stays.To);
        Assert.False(string.IsNullOrWhiteSpace(stays.Problem));
        Assert.False(report.Complete);
        // The VM outside any VE went to another node with room, on the same site first.
        var moved = Assert.Single(report.Vms, v => v.Vm == $"tenant-{_test}/solo");
        Assert.Null(moved.Problem);
        Assert.NotEqual(host, moved.To);
        Assert.StartsWith("lyon/", moved.To);
        var soloInfo = await solo.GetInfoAsync();
        Assert.Equal((moved.To, VmState.Running), (soloInfo.Node, soloInfo.State));
        // The node keeps what could not move, and takes nothing new until it is brought back.
        var node = await fixture.Client.GetGrain<INodeGrain>(host).GetInfoAsync();
        Assert.Equal(NodeStatus.Maintenance, node.Status);
        Assert.Equal([$"tenant-{_test}/pinned/web"], node.Vms);
        Assert.Equal(NodeStatus.Up, (await fixture.Client.GetGrain<INodeGrain>(host).SetStatusAsync(NodeStatus.Up)).Status);
    }

    [Fact]
    public async Task The_directory_pages_through_ves_and_forgets_deleted_ones()
    {
        await NodeAsync("d");
        var names = new[] { "c", "a", "b" };
        foreach (var name in names)
            await Ve(name).ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512)]), Req());
        var directory = fixture.Client.GetGrain<IVeDirectoryGrain>(0);

        var page = await directory.ListAsync(0, 2, $"tenant-{_test}/");
        Assert.Equal(3, page.Total);
        Assert.Equal([$"tenant-{_test}/a", $"tenant-{_test}/b"], page.Ves);
        Assert.Equal([$"tenant-{_test}/c"], (await directory.ListAsync(2, 2, $"TENANT-{_test}/")).Ves);

        await Ve("b").DeleteAsync(Req());
        Assert.Equal([$"tenant-{_test}/a", $"tenant-{_test}/c"], (await directory.ListAsync(0, 10, $"tenant-{_test}/")).Ves);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => directory.ListAsync(-1, 10));
    }

    [Fact]
    public async Task The_overview_lists_every_site_with_its_silo_up()
    {
        var sites = await fixture.Client.GetGrain<IClusterOverviewGrain>(0).GetSitesAsync();
        Assert.Equal(SiteClusterFixture.Sites.Order(StringComparer.Ordinal), sites.Select(s => s.Name));
        Assert.All(sites, s => Assert.Single(s.SilosUp));
        Assert.All(sites, s => Assert.NotNull(s.Latitude));
    }

    private IVeGrain Ve(string name) => fixture.Client.GetGrain<IVeGrain>($"tenant-{_test}/{name}");

    private async Task<VeInfo> DeployAsync(string name, PlacementConstraint constraint)
    {
        await Ve(name).ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 1024)], [constraint]), Req());
        return await Ve(name).DeployAsync(Req(), Locality.NearSite("lyon"));
    }

    private static (string?, VmState) Placement(VeInfo ve) => (ve.Vm("web").Node, ve.Vm("web").State);
}
