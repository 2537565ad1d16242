using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Testing;
using Microsoft.Extensions.DependencyInjection;
using Discovery.Testing.Cluster;
using Discovery.Testing.Events;
using Xunit;

namespace Discovery.Grains.Tests.Nodes;

[Collection(ClusterCollection.Name)]
public sealed class NodeGrainTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private INodeGrain Node(string site, string name) => fixture.Client.GetGrain<INodeGrain>($"{site}/{name}-{_test}");

    [Fact]
    public async Task A_registered_node_is_up_on_a_libvirt_test_host_of_its_own_size()
    {
        var info = await Node("paris", "n").RegisterAsync(new NodeSpec(6, 12288));

        Assert.Equal(NodeStatus.Up, info.Status);
        Assert.StartsWith("test:///", info.LibvirtUri);
        Assert.EndsWith($"paris/n-{_test}.xml", info.LibvirtUri);
        Assert.Equal((0, 0L), (info.AllocatedVcpus, info.AllocatedMemoryMiB));
    }

    [Fact]
    public async Task A_node_never_admits_vms_beyond_its_capacity()
    {
        var node = Node("lyon", "full");
        await node.RegisterAsync(new NodeSpec(4, 8192));
        await node.AdmitAsync($"t/{_test}/a", new VmSpec(3, 4096));

        var cpu = await Assert.ThrowsAsync<InsufficientCapacityException>(() => node.AdmitAsync($"t/{_test}/b", new VmSpec(2, 1024)));
        var memory = await Assert.ThrowsAsync<InsufficientCapacityException>(() => node.AdmitAsync($"t/{_test}/c", new VmSpec(1, 8192)));
        await node.AdmitAsync($"t/{_test}/d", new VmSpec(1, 4096));

        Assert.Contains("needs 2 vCPUs but only 1 are free (capacity 4 vCPUs", cpu.Message);
        Assert.Contains("needs 8192 MiB but only 4096 MiB are free", memory.Message);
        var info = await node.GetInfoAsync();
        Assert.Equal((4, 8192L), (info.AllocatedVcpus, info.AllocatedMemoryMiB));
    }

    [Fact]
    public async Task Concurrent_admissions_never_overcommit_a_node()
    {
        var node = Node("rennes", "race");
        await node.RegisterAsync(new NodeSpec(8, 65536));

        var attempts = Enumerable.Range(0, 20).Select(async i =>
        {
            try
            {
                await node.AdmitAsync($"t/{_test}/vm-{i}", new VmSpec(1, 1024));
                return true;
            }
            catch (InsufficientCapacityException)
            {
                return false;
            }
        });
        var admitted = (await Task.WhenAll(attempts)).Count(ok => ok);

        Assert.Equal(8, admitted);
        Assert.Equal(8, (await node.GetInfoAsync()).AllocatedVcpus);
    }

    [Fact]
    public async Task An_overcommit_ratio_admits_more_vcpus_than_cpus()
    {
        var node = Node("paris", "over");
        await node.RegisterAsync(new NodeSpec(2, 65536, CpuOvercommit: 2.0));

        await node.AdmitAsync($"t/{_test}/a", new VmSpec(4, 1024));

        await Assert.ThrowsAsync<InsufficientCapacityException>(() => node.AdmitAsync($"t/{_test}/b", new VmSpec(1, 1024)));
    }

    [Fact]
    public async Task A_node_in_maintenance_takes_no_new_vm_and_says_so()
    {
        var node = Node("paris", "maint");
        await node.RegisterAsync(new NodeSpec(4, 8192));
        await node.SetStatusAsync(NodeStatus.Maintenance);

        var error = await Assert.ThrowsAsync<VmTransitionException>(() => node.AdmitAsync($"t/{_test}/a", new VmSpec(1, 512)));

        Assert.Contains("is Maintenance and takes no new VM", error.Message);
        Assert.Equal(NodeStatus.Up, (await node.SetStatusAsync(NodeStatus.Up)).Status);
    }

    [Fact]
    public async Task A_domain_that_disappears_from_the_hypervisor_is_noticed_and_its_vm_marked_failed()
    {
        var node = Node("lyon", "reconcile");
        await node.RegisterAsync(new NodeSpec(4, 8192));
        var vm = fixture.Client.GetGrain<IVmGrain>($"t/{_test}/lost");
        await vm.DefineAsync(new VmSpec(1, 512), $"lyon/reconcile-{_test}");
        await vm.StartAsync();

        // Behind the agent's back, as an operator with virsh or a crash would.
        await node.EvictAsync($"t/{_test}/lost");
        await node.AdmitAsync($"t/{_test}/lost", new VmSpec(1, 512), defineDomain: false);
        var lost = await node.ReconcileAsync();

        Assert.Equal(1, lost);
        await Eventually.HoldsAsync(async () => (await vm.GetInfoAsync()).State == VmState.Failed, "the lost VM to be marked failed");
        Assert.Contains("disappeared", (await vm.GetInfoAsync()).Failure);
    }

    [Fact]
    public async Task A_registered_node_has_a_reminder_that_brings_its_agent_back_after_a_restart_and_a_node_that_left_has_none()
    {
        var node = Node("paris", "remind");
        var reminders = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();

        await node.RegisterAsync(new NodeSpec(2, 2048));
        // Registered in the background: a reminder service still loading must not hold the node's registration.
        await Eventually.HoldsAsync(async () => (await reminders.ReadRows(node.GetGrainId())).Reminders.Select(r => r.ReminderName).SequenceEqual(["wake-up"]),
            "the wake-up reminder to be registered");
        await node.LeaveAsync();
        var left = await reminders.ReadRows(node.GetGrainId());

        Assert.Empty(left.Reminders);
    }

    // A VE deleted while its node's silo was down leaves the VM's reservation on the node with no record behind it.
    [Fact]
    public async Task A_vm_whose_record_is_gone_is_released_by_the_second_reconciliation_not_the_first()
    {
        var node = Node("lyon", "unowned");
        await node.RegisterAsync(new NodeSpec(4, 8192));
        var orphan = $"t/{_test}/orphan";
        await node.AdmitAsync(orphan, new VmSpec(1, 512));

        await node.ReconcileAsync();
        // Once is not enough: a VM being defined is admitted a moment before its record names the node.
        Assert.Contains(orphan, (await node.GetInfoAsync()).Vms!);
        await node.ReconcileAsync();

        var info = await node.GetInfoAsync();
        Assert.DoesNotContain(orphan, info.Vms!);
        Assert.Equal(0, info.AllocatedVcpus);
        Assert.Empty(await node.GetDomainsAsync());
    }

    // A node that finds no domain during a cold migration to it reports the VM lost; the report may reach the VM
    // after the domain arrived.
    [Fact]
    public async Task A_report_that_a_vm_is_lost_while_its_domain_runs_is_ignored()
    {
        var node = Node("lyon", "stale");
        await node.RegisterAsync(new NodeSpec(4, 8192));
        var vm = fixture.Client.GetGrain<IVmGrain>($"t/{_test}/stale");
        await vm.DefineAsync(new VmSpec(1, 512), $"lyon/stale-{_test}");
        await vm.StartAsync();

        await vm.ReportFailureAsync($"lyon/stale-{_test}", "its domain disappeared from the hypervisor");

        Assert.Equal(VmState.Running, (await vm.GetInfoAsync()).State);
        Assert.Contains(await node.GetDomainsAsync(), d => d.Name == VmId.Parse($"t/{_test}/stale").DomainName && d.State == VmState.Running);
    }

    // A VM's silo that dies after the hypervisor suspended it and before the VM recorded it leaves the two apart.
    [Fact]
    public async Task A_vm_suspended_behind_its_record_is_recorded_suspended_by_reconciliation_and_suspending_it_again_succeeds()
    {
        var node = Node("lyon", "drift");
        await node.RegisterAsync(new NodeSpec(4, 8192));
        var vm = fixture.Client.GetGrain<IVmGrain>($"t/{_test}/drift");
        await vm.DefineAsync(new VmSpec(1, 512), $"lyon/drift-{_test}");
        await vm.StartAsync();

        Assert.Equal(VmState.Suspended, await node.OperateAsync($"t/{_test}/drift", VmOperation.Suspend));
        Assert.Equal(VmState.Suspended, (await vm.SuspendAsync()).State);

        Assert.Equal(VmState.Running, await node.OperateAsync($"t/{_test}/drift", VmOperation.Resume));
        await node.ReconcileAsync();
        await Eventually.HoldsAsync(async () => (await vm.GetInfoAsync()).State == VmState.Running, "the VM to be recorded running as its hypervisor has it");
    }

    // A silo started again brings its nodes back without their domains; placement may choose the VM's own node.
    [Fact]
    public async Task A_protected_vm_restarted_on_the_node_it_lost_runs_there_as_a_new_generation()
    {
        var node = Node("lyon", "back");
        await node.RegisterAsync(new NodeSpec(4, 8192));
        var id = $"t/{_test}/back";
        var vm = fixture.Client.GetGrain<IVmGrain>(id);
        await vm.DefineAsync(new VmSpec(1, 512), $"lyon/back-{_test}");
        await vm.StartAsync();
        await node.EvictAsync(id);
        await node.AdmitAsync(id, new VmSpec(1, 512), defineDomain: false);

        var info = await fixture.Client.GetGrain<Grains.Reliability.IVmRecoveryGrain>(id).RestartOnAsync($"lyon/back-{_test}", "its silo was restarted");

        Assert.Equal((VmState.Running, $"lyon/back-{_test}", 1L), (info.State, info.Node, info.Generation));
        Assert.Contains(await node.GetDomainsAsync(), d => d.Name == VmId.Parse(id).DomainName && d.State == VmState.Running);
        Assert.Equal(1, (await node.GetInfoAsync()).AllocatedVcpus);
    }

    // The agent asks its VMs where they live while reconciling, and a VM's operation asks its agent: neither may wait
    // on the other (before, both waited until the response timeout).
    [Fact]
    public async Task Reconciliation_and_vm_operations_at_the_same_time_never_wait_on_each_other()
    {
        var node = Node("lyon", "busy");
        await node.RegisterAsync(new NodeSpec(8, 16384));
        var vms = Enumerable.Range(0, 4).Select(i => fixture.Client.GetGrain<IVmGrain>($"t/{_test}/busy-{i}")).ToList();
        foreach (var vm in vms)
        {
            await vm.DefineAsync(new VmSpec(1, 512), $"lyon/busy-{_test}");
            await vm.StartAsync();
        }

        var operations = vms.Select(async vm =>
        {
            for (var round = 0; round < 15; round++)
            {
                await vm.SuspendAsync();
                await vm.ResumeAsync();
            }
        });
        var reconciling = Task.Run(async () =>
        {
            for (var round = 0; round < 60; round++)
                Assert.Equal(0, await node.ReconcileAsync());
        });
        await Task.WhenAll([.. operations, reconciling]);

        Assert.All(await Task.WhenAll(vms.Select(vm => vm.GetInfoAsync())), info => Assert.Equal(VmState.Running, info.State));
    }

    [Fact]
    public async Task Join_status_and_leave_events_reach_a_subscriber_in_order()
    {
        await using var recorder = await EventRecorder.StartAsync(fixture.Client, ["rennes"]);
        var node = Node("rennes", "events");
        var id = $"rennes/events-{_test}";

        await node.RegisterAsync(new NodeSpec(2, 2048));
        await node.SetStatusAsync(NodeStatus.Maintenance);
        await node.LeaveAsync();

        await recorder.WaitForAsync<NodeLeft>(e => e.Node == id);
        var mine = recorder.Events.Where(e => e switch
        {
            NodeJoined j => j.Node == id,
            NodeStatusChanged s => s.Node == id,
            NodeLeft l => l.Node == id,
            _ => false,
        }).Select(e => e.GetType().Name).ToList();
        Assert.Equal(["NodeJoined", "NodeStatusChanged", "NodeLeft"], mine);
        // The site's other nodes are told their neighbourhood changed, both ways.
        var neighbours = recorder.Events.OfType<NeighboursChanged>().Where(e => e.Cause == $"events-{_test}").ToList();
        Assert.Equal(2, neighbours.Count);
        Assert.Contains($"events-{_test}", neighbours[0].Nodes);
        Assert.DoesNotContain($"events-{_test}", neighbours[1].Nodes);
    }

    [Fact]
    public async Task A_node_with_vms_cannot_leave()
    {
        var node = Node("paris", "busy");
        await node.RegisterAsync(new NodeSpec(2, 2048));
        await node.AdmitAsync($"t/{_test}/a", new VmSpec(1, 512));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => node.LeaveAsync());

        Assert.Contains("drain it first", error.Message);
    }
}
