using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Scheduling;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Scheduling;
using Discovery.Scheduling.Nodes;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Discovery.Testing.Events;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Discovery.Grains.Tests.Scheduling;

/// <summary>Consolidation on the node agents: lightly loaded nodes are emptied into busy ones and stand by.</summary>
[Collection(OwnClusterCollection.Name)]
public sealed class ConsolidationTests : IAsyncLifetime
{
    private readonly ConsolidationCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private sealed class ConsolidationCluster : SiteClusterFixture
    {
        protected override void ConfigureSilo(string site, ISiloBuilder silo) =>
            silo.Services.Configure<SchedulerOptions>(o =>
            {
                o.Enabled = true;
                o.Consolidation = true;
                o.MonitorInterval = TimeSpan.FromMilliseconds(300);
                o.Workload = WorkloadModel.OperatorOnly;
                o.Overload = new OverloadOptions(OverloadThreshold: 1.0, UnderloadThreshold: 0.2);
            });
    }

    private async Task<string> NodeAsync(string name)
    {
        var id = $"lyon/{name}";
        await _cluster.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(4, 16384, CpuOvercommit: 2));
        return id;
    }

    // Demand is set before the VM starts, so no node looks idle in between.
    private async Task<IVmGrain> VmAsync(string name, string node, int vcpus, double demand)
    {
        var vm = _cluster.Client.GetGrain<IVmGrain>($"ops/{name}");
        await vm.DefineAsync(new VmSpec(vcpus, 1024), node);
        await vm.SetCpuDemandAsync(demand);
        await vm.StartAsync();
        return vm;
    }

    private Task<NodeInfo> InfoAsync(string node) => _cluster.Client.GetGrain<INodeGrain>(node).GetInfoAsync();

    [Fact]
    public async Task A_lightly_loaded_node_is_emptied_into_a_busy_one_stands_by_and_wakes_when_a_partition_needs_it()
    {
        var (light, busy) = (await NodeAsync("light"), await NodeAsync("busy"));
        await using var recorder = await EventRecorder.StartAsync(_cluster.Client, ["lyon"]);
        await VmAsync("steady", busy, 3, 2); // half of busy's 4 CPUs: not underloaded
        var small = await VmAsync("small", light, 2, 0.3); // under 20 % of light's CPUs and memory

        await Eventually.HoldsAsync(async () => (await InfoAsync(light)).Status == NodeStatus.Standby,
            "the emptied node to stand by", TimeSpan.FromSeconds(60));
        Assert.Equal(busy, (await small.GetInfoAsync()).Node);
        Assert.Empty((await InfoAsync(light)).Vms ?? []);
        var standby = await recorder.WaitForAsync<SchedulingStepped>(e => e.Node == light && e.Step == "standby");
        Assert.Contains("saving 95 W", standby.Single().Detail);
        var energy = await _cluster.Client.GetGrain<IEnergyGrain>(0).GetReportAsync();
        Assert.Equal(1, energy.NodesStandby);
        Assert.Equal(95, energy.WattsSaved, precision: 6); // the default model: 100 W idle, 5 W standby, PUE 1

        // Both VMs get busy: 5 vCPUs of demand on 4. The only room is on the standby node, which wakes for it.
        await _cluster.Client.GetGrain<IVmGrain>("ops/steady").SetCpuDemandAsync(3);
        await small.SetCpuDemandAsync(2);
        await Eventually.HoldsAsync(async () => (await InfoAsync(light)) is { Status: NodeStatus.Up, Vms.Count: 1 },
            "the standby node to wake up and take one VM back", TimeSpan.FromSeconds(60));
        Assert.Equal(0, (await _cluster.Client.GetGrain<IEnergyGrain>(0).GetReportAsync()).NodesStandby);
        await recorder.WaitForAsync<NodeStatusChanged>(e => e.Node == light && e.Status == NodeStatus.Up);
    }

    [Fact]
    public async Task Consolidation_never_moves_a_root_vm_and_reports_the_event_unsolvable()
    {
        var (home, other) = (await NodeAsync("home"), await NodeAsync("other"));
        await using var recorder = await EventRecorder.StartAsync(_cluster.Client, ["lyon"]);
        await VmAsync("anchor", other, 2, 2);
        var ve = _cluster.Client.GetGrain<IVeGrain>("ops/pinned");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("db", 1, 1024)], [new Root(["db"])]), "c1");
        await ve.DeployAsync("d1", Locality.NearNode(home));
        Assert.Equal(home, (await ve.LocateAsync()).Vms.Single().Node); // idle, so home is underloaded

        var unsolvable = await recorder.WaitForAsync<SchedulingStepped>(e => e.Node == home && e.Step == "unsolvable", timeout: TimeSpan.FromSeconds(60));

        Assert.Contains("Underload", unsolvable.Single().Detail);
        Assert.Equal(home, (await ve.LocateAsync()).Vms.Single().Node);
        Assert.Equal(NodeStatus.Up, (await InfoAsync(home)).Status);
    }
}
