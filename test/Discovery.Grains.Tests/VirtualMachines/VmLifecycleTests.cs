using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Testing.Cluster;
using Discovery.Testing.Events;
using Xunit;

namespace Discovery.Grains.Tests.VirtualMachines;

[Collection(ClusterCollection.Name)]
public sealed class VmLifecycleTests(SiteClusterFixture fixture)
{
    private static readonly VmSpec Small = new(1, 512);
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private async Task<string> NodeAsync(string site, string name, int cpus = 4)
    {
        var id = $"{site}/{name}-{_test}";
        await fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(cpus, 8192));
        return id;
    }

    private IVmGrain Vm(string name) => fixture.Client.GetGrain<IVmGrain>($"t/{_test}/{name}");

    [Fact]
    public async Task A_vm_goes_through_define_start_suspend_resume_stop()
    {
        var node = await NodeAsync("paris", "life");
        var vm = Vm("web");

        Assert.Equal(VmState.Defined, (await vm.DefineAsync(Small, node)).State);
        Assert.Equal(VmState.Running, (await vm.StartAsync()).State);
        Assert.Equal(VmState.Suspended, (await vm.SuspendAsync()).State);
        Assert.Equal(VmState.Running, (await vm.ResumeAsync()).State);
        var stopped = await vm.StopAsync();

        Assert.Equal(VmState.Stopped, stopped.State);
        Assert.Equal(node, stopped.Node);
        Assert.Contains($"t/{_test}/web", (await fixture.Client.GetGrain<INodeGrain>(node).GetInfoAsync()).Vms!);
    }

    [Fact]
    public async Task Illegal_transitions_are_refused_with_the_state_and_what_is_needed()
    {
        var vm = Vm("strict");
        await vm.DefineAsync(Small, await NodeAsync("lyon", "strict"));

        var suspend = await Assert.ThrowsAsync<VmTransitionException>(() => vm.SuspendAsync());
        await vm.StartAsync();
        var start = await Assert.ThrowsAsync<VmTransitionException>(() => vm.StartAsync());
        var delete = await Assert.ThrowsAsync<VmTransitionException>(() => vm.DeleteAsync());

        Assert.Contains("cannot suspend a VM that is Defined; suspend needs Running", suspend.Message);
        Assert.Contains("cannot start a VM that is Running", start.Message);
        Assert.Contains("cannot delete a VM that is Running", delete.Message);
        Assert.Equal(VmState.Running, (await vm.GetInfoAsync()).State);
    }

    [Fact]
    public async Task A_running_vm_migrates_cold_to_a_node_of_another_site_and_keeps_running()
    {
        var from = await NodeAsync("paris", "src");
        var to = await NodeAsync("rennes", "dst");
        var vm = Vm("mover");
        await vm.DefineAsync(new VmSpec(2, 1024), from);
        await vm.StartAsync();

        var moved = await vm.MigrateAsync(to);

        Assert.Equal((VmState.Running, to, MigrationKind.Cold), (moved.State, moved.Node, moved.LastMigration));
        var source = await fixture.Client.GetGrain<INodeGrain>(from).GetInfoAsync();
        var target = await fixture.Client.GetGrain<INodeGrain>(to).GetInfoAsync();
        Assert.Equal(0, source.AllocatedVcpus);
        Assert.Equal(2, target.AllocatedVcpus);
        Assert.Equal(VmState.Suspended, (await vm.SuspendAsync()).State); // the domain really is on the target now
        // … and it is defined there for good: it survives a stop and starts again.
        await vm.StopAsync(force: true);
        Assert.Equal(VmState.Running, (await vm.StartAsync()).State);
    }

    [Fact]
    public async Task A_suspended_vm_stays_suspended_across_a_migration()
    {
        var vm = Vm("sleeper");
        await vm.DefineAsync(Small, await NodeAsync("lyon", "a"));
        await vm.StartAsync();
        await vm.SuspendAsync();

        var moved = await vm.MigrateAsync(await NodeAsync("paris", "b"));

        Assert.Equal(VmState.Suspended, moved.State);
        Assert.Equal(VmState.Running, (await vm.ResumeAsync()).State);
    }

    [Fact]
    public async Task A_migration_to_a_full_node_fails_and_leaves_the_vm_where_it_was()
    {
        var from = await NodeAsync("paris", "home");
        var full = await NodeAsync("lyon", "full", cpus: 1);
        await fixture.Client.GetGrain<INodeGrain>(full).AdmitAsync($"t/{_test}/hog", Small);
        var vm = Vm("stay");
        await vm.DefineAsync(Small, from);
        await vm.StartAsync();

        await Assert.ThrowsAsync<InsufficientCapacityException>(() => vm.MigrateAsync(full));

        var info = await vm.GetInfoAsync();
        Assert.Equal((VmState.Running, from), (info.State, info.Node));
        Assert.Equal(VmState.Suspended, (await vm.SuspendAsync()).State);
    }

    [Fact]
    public async Task Deleting_a_stopped_vm_releases_its_capacity()
    {
        var node = await NodeAsync("rennes", "del");
        var vm = Vm("gone");
        await vm.DefineAsync(new VmSpec(3, 2048), node);

        await vm.DeleteAsync();

        Assert.Equal(0, (await fixture.Client.GetGrain<INodeGrain>(node).GetInfoAsync()).AllocatedVcpus);
        Assert.Equal(VmState.None, (await vm.GetInfoAsync()).State);
    }

    [Fact]
    public async Task Vm_state_events_reach_a_subscriber_in_order()
    {
        var node = await NodeAsync("lyon", "ev");
        await using var recorder = await EventRecorder.StartAsync(fixture.Client, ["lyon"]);
        var vm = Vm("watched");
        var id = $"t/{_test}/watched";

        await vm.DefineAsync(Small, node);
        await vm.StartAsync();
        await vm.SuspendAsync();
        await vm.ResumeAsync();
        await vm.StopAsync(force: true);

        var events = await recorder.WaitForAsync<VmStateChanged>(e => e.Vm == id, count: 5);
        Assert.Equal([VmState.Defined, VmState.Running, VmState.Suspended, VmState.Running, VmState.Stopped], events.Select(e => e.To));
        Assert.All(events, e => Assert.Equal(node, e.Node));
    }

    [Fact]
    public async Task Bad_vm_ids_and_specs_are_refused_with_the_problem()
    {
        var node = await NodeAsync("paris", "bad");

        var spec = await Assert.ThrowsAsync<ArgumentException>(() => Vm("huge").DefineAsync(new VmSpec(0, 512), node));
        var id = await Assert.ThrowsAnyAsync<Exception>(() => fixture.Client.GetGrain<IVmGrain>("a/b/c/d").DefineAsync(Small, node));

        Assert.Contains("vcpus must be between 1", spec.Message);
        Assert.Contains("at most three", id.GetBaseException().Message);
    }
}
