using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Scheduling;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Discovery.Testing.Events;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Discovery.Grains.Tests.Scheduling;

/// <summary>The cooperative scheduler on a cluster of its own, where only the demands these tests set count.</summary>
[Collection(OwnClusterCollection.Name)]
public sealed class SchedulingTests : IAsyncLifetime
{
    private readonly SchedulingCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private sealed class SchedulingCluster : SiteClusterFixture
    {
        protected override void ConfigureSilo(string site, ISiloBuilder silo) =>
            silo.Services.Configure<SchedulerOptions>(o =>
            {
                o.Enabled = true;
                o.MonitorInterval = TimeSpan.FromMilliseconds(300);
                o.Workload = WorkloadModel.OperatorOnly;
            });
    }

    private async Task<string> NodeAsync(string name, int cpus = 4)
    {
        var id = $"lyon/{name}";
        await _cluster.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(cpus, 16384, CpuOvercommit: 2));
        return id;
    }

    private async Task<IVmGrain> VmAsync(string name, string node, int vcpus, double demand)
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>($"ops/{name}");
        await vm.DefineAsync(new VmSpec(vcpus, 1024), node);
        await vm.StartAsync();
        await vm.SetCpuDemandAsync(demand);
        return vm;
    }

    [Fact]
    public async Task An_overloaded_node_is_relieved_by_moving_a_vm_to_its_neighbour()
    {
        var (a, b) = (await NodeAsync("a"), await NodeAsync("b"));
        await using var recorder = await EventRecorder.StartAsync(_cluster.Client, ["lyon"]);
        var first = await VmAsync("first", a, 3, 3);

        var second = await VmAsync("second", a, 3, 3); // 6 vCPUs of demand on 4

        await Eventually.HoldsAsync(async () =>
            new[] { (await first.GetInfoAsync()).Node, (await second.GetInfoAsync()).Node }.Order().SequenceEqual(new[] { a, b }.Order()),
            "one of the two VMs to move to b", TimeSpan.FromSeconds(60));
        var resolved = await recorder.WaitForAsync<SchedulingStepped>(e => e.Node == a && e.Step == "resolved", timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(1, resolved.Single().Migrations);
        Assert.Equal(2, resolved.Single().PartitionSize);
        Assert.All(new[] { first, second }, vm => Assert.Equal(VmState.Running, vm.GetInfoAsync().Result.State));
    }

    [Fact]
    public async Task A_vm_of_a_ve_moves_only_where_its_constraints_allow_and_the_partition_grows_past_a_full_neighbour()
    {
        var (a, b, c) = (await NodeAsync("a"), await NodeAsync("b"), await NodeAsync("c"));
        // b is busy to the brim, and the VE may not use it anyway: relief must come from c, whichever of b and c the
        // partition asks first.
        await VmAsync("filler", b, 4, 4);
        var ve = _cluster.Client.GetGrain<IVeGrain>("ops/shop");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 3, 1024, Count: 2)], [new Fence([], [a, c])]), "c1");
        await ve.DeployAsync("d1", Locality.NearNode(a));
        var placed = await ve.LocateAsync();
        // Both on a (the nearest node with room), then both get busy: 6 vCPUs of demand on 4.
        Assert.All(placed.Vms, v => Assert.Equal(a, v.Node));
        foreach (var vm in placed.Vms)
            await _cluster.Client.GetGrain<IVmGrain>($"ops/shop/{vm.Vm}").SetCpuDemandAsync(3);

        await Eventually.HoldsAsync(async () => (await ve.LocateAsync()).Vms.Count(v => v.Node == c) == 1,
            "one web VM to move to c (b is full, and the fence excludes it anyway)", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain((await ve.LocateAsync()).Vms, v => v.Node == b);
    }

    [Fact]
    public async Task Many_overloads_at_once_close_to_each_other_all_resolve_and_no_node_ends_over_capacity()
    {
        const int Pairs = 4;
        var hot = new List<string>();
        for (var i = 0; i < Pairs; i++)
        {
            hot.Add(await NodeAsync($"hot{i}"));
            await NodeAsync($"cool{i}");
        }
        await using var recorder = await EventRecorder.StartAsync(_cluster.Client, ["lyon"]);
        var vms = new List<IVmGrain>();
        for (var i = 0; i < Pairs; i++)
        {
            vms.Add(await VmAsync($"many-{i}-a", hot[i], 3, 0));
            vms.Add(await VmAsync($"many-{i}-b", hot[i], 3, 0));
        }

        // Every hot node overloads within the same moment: 6 vCPUs of demand on 4, all in one site.
        await Task.WhenAll(vms.Select(vm => vm.SetCpuDemandAsync(3)));

        var resolved = await recorder.WaitForAsync<SchedulingStepped>(e => hot.Contains(e.Node) && e.Step == "resolved", count: Pairs, timeout: TimeSpan.FromSeconds(120));
        Assert.Equal(hot.Order(), resolved.Select(e => e.Node).Distinct().Order());
        var demandByNode = (await Task.WhenAll(vms.Select(vm => vm.GetInfoAsync()))).GroupBy(v => v.Node!).ToDictionary(g => g.Key, g => g.Sum(v => v.CpuDemand ?? 0));
        Assert.All(demandByNode, n => Assert.True(n.Value <= 4, $"{n.Key} ends with {n.Value} vCPUs of demand on 4"));
        Assert.Equal(2 * Pairs, demandByNode.Count); // one VM moved off each hot node, each to a node of its own
        var statuses = await Task.WhenAll(hot.Select(n => _cluster.Client.GetGrain<Discovery.Abstractions.Scheduling.ISchedulerGrain>(n).GetStatusAsync()));
        Assert.All(statuses, s => Assert.Null(s.Partition)); // every partition dissolved
    }

    [Fact]
    public async Task A_member_whose_leader_died_mid_procedure_is_released_when_its_lease_runs_out()
    {
        var member = await NodeAsync("member");
        var scheduler = _cluster.Client.GetGrain<Discovery.Abstractions.Scheduling.ISchedulerGrain>(member);
        await scheduler.StartAsync();
        // The leader's site goes down: whatever the member sends it is lost, and it never renews the lease.
        await _cluster.Cluster.KillSiloAsync(_cluster.Cluster.Silos.Single(s => _cluster.SiteOfSilo[s.Name] == "rennes"));
        var partition = new WirePartition(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, "rennes/leader", 1, 0);

        await _cluster.Client.GetGrain<ISchedulerPeerGrain>(member).DeliverAsync(new WireMessage("JoinRequest", "rennes/leader", partition));

        await Eventually.HoldsAsync(async () => (await scheduler.GetStatusAsync()).Partition is not null,
            "the member to join the dead leader's partition", TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(async () => (await scheduler.GetStatusAsync()).Partition is null,
            "the member to leave once its lease ran out", TimeSpan.FromSeconds(30));
    }
}
