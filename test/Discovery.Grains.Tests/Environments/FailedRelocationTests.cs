using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Hypervisors;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Discovery.Grains.Tests.Environments;

/// <summary>
/// A relocation whose second migration fails after the first one moved (found by a soak: a VE left breaking
/// <c>Spread</c>). web-1 and web-2 must share a site; web-1 may run on a or c, web-2 on b, d or e. Deployed near rennes
/// (a, b), relocated near lyon, the plan is c and d — and d's host is powered off, so web-2's migration fails after
/// web-1 reached c, which leaves the VE split across two sites.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailedRelocationTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private static string Req() => Guid.NewGuid().ToString("N");

    private string Node(string site, string name) => $"{site}/{name}-{_test}";

    private INodeGrain NodeGrain(string id) => fixture.Client.GetGrain<INodeGrain>(id);

    private string A => Node("rennes", "a");
    private string B => Node("rennes", "b");
    private string C => Node("lyon", "c");
    private string D => Node("lyon", "d");
    private string E => Node("lyon", "e");

    // Registers a–d (and e when asked), deploys near rennes and powers d's host off behind its agent's back.
    private async Task<IVeGrain> DeployedWithDOffAsync(bool withE)
    {
        foreach (var node in withE ? [A, B, C, D, E] : new[] { A, B, C, D })
            await NodeGrain(node).RegisterAsync(new NodeSpec(4, 8192));
        var ve = fixture.Client.GetGrain<IVeGrain>($"tenant-{_test}/split");
        await ve.ConfigureAsync(new VeSpec(
            [new VmTemplate("web", 1, 512, Count: 2)],
            [new SiteGather(["web"]), new Fence(["web-1"], [A, C]), new Fence(["web-2"], [B, D, E])]), Req());
        var deployed = await ve.DeployAsync(Req(), Locality.NearSite("rennes"));
        Assert.Equal((A, B), (deployed.Vm("web-1").Node, deployed.Vm("web-2").Node));

        var lyon = fixture.Cluster.Silos.Single(s => fixture.SiteOfSilo[s.Name] == "lyon");
        lyon.ServiceProvider.GetRequiredService<HypervisorPool>().PowerOff((await NodeGrain(D).GetInfoAsync()).LibvirtUri!);
        return ve;
    }

    // The VE's record, each VM's own record and the node agents all say the same, and every VM runs.
    private async Task<VeInfo> TruthfulAsync(IVeGrain ve, string web1, string web2)
    {
        var info = await ve.LocateAsync();
        Assert.Equal((web1, web2), (info.Vm("web-1").Node, info.Vm("web-2").Node));
        foreach (var (vm, node) in new[] { ("web-1", web1), ("web-2", web2) })
        {
            var record = await fixture.Client.GetGrain<IVmGrain>($"tenant-{_test}/split/{vm}").GetInfoAsync();
            Assert.Equal((node, VmState.Running), (record.Node, record.State));
            Assert.Contains($"tenant-{_test}/split/{vm}", (await NodeGrain(node).GetInfoAsync()).Vms ?? []);
        }
        return info;
    }

    [Fact]
    public async Task A_relocation_that_fails_part_way_moves_back_what_moved_and_a_retry_gets_the_same_answer()
    {
        var ve = await DeployedWithDOffAsync(withE: false);
        var request = Req();

        var failed = await Assert.ThrowsAsync<PlacementFailedException>(() => ve.RelocateAsync(Locality.NearSite("lyon"), request));

        Assert.Contains("relocation failed and was undone", failed.Message);
        Assert.Contains(D, failed.Message);
        await TruthfulAsync(ve, A, B);
        Assert.Empty((await NodeGrain(C).GetInfoAsync()).Vms ?? []);
        var again = await Assert.ThrowsAsync<PlacementFailedException>(() => ve.RelocateAsync(Locality.NearSite("lyon"), request));
        Assert.Equal(failed.Message, again.Message);
    }

    [Fact]
    public async Task The_failed_target_keeps_the_reservation_its_host_could_not_release_and_is_still_declared_lost()
    {
        var ve = await DeployedWithDOffAsync(withE: false);
        await Assert.ThrowsAsync<PlacementFailedException>(() => ve.RelocateAsync(Locality.NearSite("lyon"), Req()));
        var d = NodeGrain(D);
        Assert.Contains($"tenant-{_test}/split/web-2", (await d.GetInfoAsync()).Vms ?? []);

        // Its checks try to destroy that stale copy first, which fails on a dead host: they must still count.
        var lyon = fixture.Cluster.Silos.Single(s => fixture.SiteOfSilo[s.Name] == "lyon");
        var checks = lyon.ServiceProvider.GetRequiredService<IOptions<HypervisorOptions>>().Value.FailedChecksBeforeLost;
        for (var check = 0; check < checks; check++)
            await d.ReconcileAsync();

        Assert.Equal(NodeStatus.Down, (await d.GetInfoAsync()).Status);
        await TruthfulAsync(ve, A, B);
    }

    [Fact]
    public async Task A_vm_that_cannot_go_back_makes_the_relocation_finish_by_a_new_plan_that_avoids_the_failed_node()
    {
        var ve = await DeployedWithDOffAsync(withE: true);
        await NodeGrain(A).SetStatusAsync(NodeStatus.Maintenance); // web-1's old node takes no VM back

        var relocated = await ve.RelocateAsync(Locality.NearSite("lyon"), Req());

        Assert.Equal(VeStatus.Running, relocated.Status);
        var info = await TruthfulAsync(ve, C, E);
        Assert.Equal("lyon", info.Requester);
        Assert.Empty(((await NodeGrain(B).GetInfoAsync()).Vms ?? []));
    }

    [Fact]
    public async Task A_relocation_that_can_be_neither_undone_nor_finished_says_where_the_vms_are_and_what_that_breaks()
    {
        var ve = await DeployedWithDOffAsync(withE: false);
        await NodeGrain(A).SetStatusAsync(NodeStatus.Maintenance);
        var request = Req();

        var failed = await Assert.ThrowsAsync<PlacementFailedException>(() => ve.RelocateAsync(Locality.NearSite("lyon"), request));

        Assert.Contains($"web-1 could not go back to {A}", failed.Message);
        Assert.Contains($"web-1 on {C}, web-2 on {B}", failed.Message);
        Assert.Contains("breaks SiteGather", failed.Message);
        await TruthfulAsync(ve, C, B);
        var again = await Assert.ThrowsAsync<PlacementFailedException>(() => ve.RelocateAsync(Locality.NearSite("lyon"), request));
        Assert.Equal(failed.Message, again.Message);
    }

    [Fact]
    public async Task A_failed_vm_stays_where_it_failed_while_the_rest_of_its_ve_relocates_and_cannot_be_relocated_itself()
    {
        foreach (var node in new[] { A, B, C, D })
            await NodeGrain(node).RegisterAsync(new NodeSpec(4, 8192));
        var ve = fixture.Client.GetGrain<IVeGrain>($"tenant-{_test}/degraded");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512, Count: 2)], [new Spread(["web"]), new Fence([], [A, B, C, D])]), Req());
        var lost = (await ve.DeployAsync(Req(), Locality.NearSite("rennes"))).Vm("web-2").Node!;
        await NodeGrain(lost).FailAsync(); // web-2 is not protected: it is marked Failed
        await Eventually.HoldsAsync(async () => (await ve.LocateAsync()).Vm("web-2").State == VmState.Failed, "web-2 to be Failed");

        var relocated = await ve.RelocateAsync(Locality.NearSite("lyon"), Req());

        Assert.Equal(("lyon", VmState.Running), (relocated.Vm("web-1").Site, relocated.Vm("web-1").State));
        Assert.Equal((lost, VmState.Failed), (relocated.Vm("web-2").Node, relocated.Vm("web-2").State));
        var refused = await Assert.ThrowsAsync<VeOperationException>(() => ve.RelocateAsync(Locality.NearSite("lyon"), Req(), "web-2"));
        Assert.Contains("web-2 is Failed", refused.Message);
        Assert.Contains("a failed VM cannot move", refused.Message);
    }
}
