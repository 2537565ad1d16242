using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Hypervisors;
using Discovery.Grains.Reliability;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Discovery.Testing.Events;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Discovery.Grains.Tests.Reliability;

/// <summary>One node lost while its silo lives on: its hypervisor is powered off, or cannot be reached any more.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeLossTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private Task<(string A, string B, IVeGrain Ve)> DeployAsync() => ShopVe.DeployAsync(fixture.Client, _test, "loss");

    [Fact]
    public async Task A_node_failed_on_purpose_goes_down_and_its_protected_vm_runs_again_on_another_node()
    {
        var (a, b, ve) = await DeployAsync();
        await using var recorder = await EventRecorder.StartAsync(fixture.Client, ["rennes"]);

        await fixture.Client.GetGrain<INodeGrain>(a).FailAsync();

        Assert.Equal(NodeStatus.Down, (await fixture.Client.GetGrain<INodeGrain>(a).GetInfoAsync()).Status);
        await recorder.WaitForAsync<NodeUnreachable>(e => e.Node == a && e.Reason.Contains("powered off"));
        var web = fixture.Client.GetGrain<IVmGrain>($"ops-{_test}/shop/web");
        await Eventually.HoldsAsync(async () => (await web.GetInfoAsync()) is { State: VmState.Running } info && info.Node == b,
            $"web to run again on {b}");
        Assert.Equal(1, (await web.GetInfoAsync()).Generation);
        var batch = await fixture.Client.GetGrain<IVmGrain>($"ops-{_test}/shop/batch").GetInfoAsync();
        Assert.Equal(VmState.Failed, batch.State);
        Assert.Contains("powered off", batch.Failure);
        Assert.Equal(VeStatus.Degraded, (await ve.LocateAsync()).Status);
    }

    [Fact]
    public async Task An_unreachable_hypervisor_loses_its_node_only_after_the_configured_failed_checks_in_a_row()
    {
        var (a, b, _) = await DeployAsync();
        var node = fixture.Client.GetGrain<INodeGrain>(a);
        var silo = fixture.Cluster.Silos.Single(s => fixture.SiteOfSilo[s.Name] == "rennes");
        var checks = silo.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HypervisorOptions>>().Value.FailedChecksBeforeLost;

        // The host goes away behind the agent's back, as a crashed machine would.
        silo.ServiceProvider.GetRequiredService<HypervisorPool>().PowerOff((await node.GetInfoAsync()).LibvirtUri!);
        for (var check = 1; check < checks; check++)
        {
            Assert.Equal(0, await node.ReconcileAsync());
            Assert.Equal(NodeStatus.Up, (await node.GetInfoAsync()).Status);
        }
        Assert.Equal(2, await node.ReconcileAsync());

        Assert.Equal(NodeStatus.Down, (await node.GetInfoAsync()).Status);
        var web = fixture.Client.GetGrain<IVmGrain>($"ops-{_test}/shop/web");
        await Eventually.HoldsAsync(async () => (await web.GetInfoAsync()) is { State: VmState.Running } info && info.Node == b,
            $"web to run again on {b}");
    }

    // The node lives on, its hypervisor lost the domains (a crash, or an operator with virsh): the agent's reconciliation
    // reports them, the protected VM comes back as a new generation, the other stays failed with the reason.
    [Fact]
    public async Task A_protected_vm_whose_domain_vanished_from_a_live_node_restarts_and_an_unprotected_one_stays_failed()
    {
        var (a, _, ve) = await DeployAsync();
        var node = fixture.Client.GetGrain<INodeGrain>(a);
        foreach (var vm in new[] { "web", "batch" })
        {
            // Behind the agent's back: the domain goes, the reservation stays.
            await node.EvictAsync($"ops-{_test}/shop/{vm}");
            await node.AdmitAsync($"ops-{_test}/shop/{vm}", new VmSpec(1, 512), defineDomain: false);
        }

        Assert.Equal(2, await node.ReconcileAsync());

        var web = fixture.Client.GetGrain<IVmGrain>($"ops-{_test}/shop/web");
        await Eventually.HoldsAsync(async () => (await web.GetInfoAsync()) is { State: VmState.Running, Generation: 1 },
            "web to run again as generation 1");
        var batch = fixture.Client.GetGrain<IVmGrain>($"ops-{_test}/shop/batch");
        await Eventually.HoldsAsync(async () => (await batch.GetInfoAsync()).State == VmState.Failed, "batch to be failed");
        Assert.Contains("disappeared", (await batch.GetInfoAsync()).Failure);
        Assert.Equal(VeStatus.Degraded, (await ve.LocateAsync()).Status);
    }

    // Whoever notices a loss (a silo watching membership, a node agent) only records it with the site, then may die:
    // the site drives the recovery to its end and forgets the loss only then.
    [Fact]
    public async Task A_loss_recorded_with_the_site_is_recovered_by_the_site_alone_and_then_forgotten()
    {
        var (a, b, ve) = await DeployAsync();
        var site = fixture.Client.GetGrain<ISiteRecoveryGrain>("rennes");
        var cause = $"test {_test}";
        // Out of placement's reach, as a lost node is (its agent still answers here, unlike a really lost one).
        await fixture.Client.GetGrain<INodeGrain>(a).SetStatusAsync(NodeStatus.Maintenance);

        await site.RecoverLostNodesAsync(cause, [a], "the test's reporter recorded it and died");

        var web = fixture.Client.GetGrain<IVmGrain>($"ops-{_test}/shop/web");
        await Eventually.HoldsAsync(async () => (await web.GetInfoAsync()) is { State: VmState.Running } info && info.Node == b,
            $"web to run again on {b}");
        // The unprotected VM's domain still runs on a (only the test said a was lost): the VM refuses to be failed.
        var batch = await fixture.Client.GetGrain<IVmGrain>($"ops-{_test}/shop/batch").GetInfoAsync();
        Assert.Equal((VmState.Running, a), (batch.State, batch.Node));
        await Eventually.HoldsAsync(async () => !(await site.GetPendingRecoveriesAsync()).ContainsKey(cause), "the site to forget the recovered loss");
        // Recorded again by a late reporter: the walk runs again and finds nothing left to do.
        await site.RecoverLostNodesAsync(cause, [a], "reported twice");
        Assert.Equal(1, (await web.GetInfoAsync()).Generation);
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => site.RecoverLostNodesAsync($"other {_test}", ["lyon/x"], "wrong site"));
        Assert.Contains("site rennes was told of the loss of node lyon/x of another site", refused.Message);
        Assert.Equal(b, (await ve.LocateAsync()).Vms.Single(v => v.Vm == "web").Node);
    }

    [Fact]
    public async Task Only_an_in_process_test_host_can_be_failed_on_purpose()
    {
        var pool = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<HypervisorPool>();

        var refused = Assert.Throws<InvalidOperationException>(() => pool.PowerOff("qemu:///system"));

        Assert.Contains("only an in-process test host", refused.Message);
    }

    // Node a failed on purpose: web (protected) runs again on b by itself, batch (unprotected) is left Failed.
    private async Task<(string A, string B, IVeGrain Ve, IVmGrain Batch)> DegradedAsync()
    {
        var (a, b, ve) = await DeployAsync();
        await fixture.Client.GetGrain<INodeGrain>(a).FailAsync();
        await Eventually.HoldsAsync(async () => await ve.LocateAsync() is { Status: VeStatus.Degraded } info && info.Vm("web").State == VmState.Running,
            "web to run again and batch to be Failed");
        return (a, b, ve, fixture.Client.GetGrain<IVmGrain>($"ops-{_test}/shop/batch"));
    }

    [Fact]
    public async Task Repairing_a_degraded_ve_starts_its_failed_unprotected_vm_again_on_another_node_once()
    {
        var (_, b, ve, batch) = await DegradedAsync();

        var repaired = await ve.RepairAsync("r1");

        Assert.Equal(VeStatus.Running, repaired.Status);
        Assert.Equal((b, VmState.Running), (repaired.Vm("batch").Node, repaired.Vm("batch").State));
        Assert.Equal(1, (await batch.GetInfoAsync()).Generation);
        Assert.Contains($"ops-{_test}/shop/batch", (await fixture.Client.GetGrain<INodeGrain>(b).GetInfoAsync()).Vms ?? []);
        Assert.Equal(VeStatus.Running, (await ve.RepairAsync("r1")).Status); // the same request again: done once
        Assert.Equal(VeStatus.Running, (await ve.RepairAsync("r2")).Status); // nothing failed any more
        Assert.Equal(1, (await batch.GetInfoAsync()).Generation);
    }

    [Fact]
    public async Task A_repair_that_finds_no_node_says_why_and_the_vm_waits_until_one_is_back()
    {
        var (_, b, ve, batch) = await DegradedAsync();
        var nodeB = fixture.Client.GetGrain<INodeGrain>(b);
        await nodeB.SetStatusAsync(NodeStatus.Maintenance); // the only node left takes no new VM

        var refused = await Assert.ThrowsAsync<PlacementFailedException>(() => ve.RepairAsync("r1"));

        Assert.Contains("batch found no node yet", refused.Message);
        Assert.Contains("they wait for capacity", refused.Message);
        Assert.Equal(VmState.Failed, (await batch.GetInfoAsync()).State);
        await nodeB.SetStatusAsync(NodeStatus.Up);
        var repaired = await ve.RepairAsync("r2"); // tried again now, not only at the next retry
        Assert.Equal((b, VmState.Running), (repaired.Vm("batch").Node, repaired.Vm("batch").State));
    }
}
