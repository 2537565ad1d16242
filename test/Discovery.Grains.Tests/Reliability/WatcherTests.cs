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
using Orleans.Core.Internal;
using Orleans.Storage;
using Xunit;

namespace Discovery.Grains.Tests.Reliability;

/// <summary>
/// The three-site cluster whose node agents reconcile only when a test asks: whatever notices a lost VM here is its
/// watcher (the fixture's watchers look every 500 ms and give an unanswering agent 3 s).
/// </summary>
public sealed class WatcherFixture : SiteClusterFixture
{
    protected override void ConfigureSilo(string site, ISiloBuilder silo) =>
        silo.Services.Configure<HypervisorOptions>(o => o.ReconcileInterval = TimeSpan.FromHours(1));
}

/// <summary>Each protected VM has a watcher on its node's site that reports it lost, once per generation.</summary>
public sealed class WatcherTests(WatcherFixture fixture) : IClassFixture<WatcherFixture>
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private string Vm(string name) => $"ops-{_test}/shop/{name}";

    private IVmWatcherGrain Watcher(string node, string vm) => fixture.Client.GetGrain<IVmWatcherGrain>(VmWatcherKeys.Of(node, Vm(vm)));

    private Task<(string A, string B, IVeGrain Ve)> DeployAsync() => ShopVe.DeployAsync(fixture.Client, _test, "watch");

    // Deployed, and web watched on node a: what each loss below starts from.
    private async Task<(string A, string B)> DeployWatchedAsync()
    {
        var (a, b, _) = await DeployAsync();
        await Eventually.HoldsAsync(async () => (await Watcher(a, "web").GetWatchAsync()) is { Generation: 0 }, $"web to be watched on {a}");
        return (a, b);
    }

    private async Task<VmInfo> WebRunsAgainAsync(string on)
    {
        var web = fixture.Client.GetGrain<IVmGrain>(Vm("web"));
        await Eventually.HoldsAsync(async () => (await web.GetInfoAsync()) is { State: VmState.Running } info && info.Node == on,
            $"web to run again on {on}");
        return await web.GetInfoAsync();
    }

    [Fact]
    public async Task A_protected_vm_is_watched_on_its_node_and_the_watch_follows_it_until_it_is_deleted()
    {
        var (a, b, ve) = await DeployAsync();

        await Eventually.HoldsAsync(async () => (await Watcher(a, "web").GetWatchAsync()) is { Generation: 0 }, $"web to be watched on {a}");
        Assert.Null(await Watcher(a, "batch").GetWatchAsync()); // not protected: not watched

        await ve.RelocateAsync(Locality.NearNode(b), "r1", "web");

        Assert.Equal(b, (await ve.LocateAsync()).Vms.Single(v => v.Vm == "web").Node);
        await Eventually.HoldsAsync(async () => (await Watcher(b, "web").GetWatchAsync()) is { Generation: 0 }, $"web to be watched on {b}");
        await Eventually.HoldsAsync(async () => await Watcher(a, "web").GetWatchAsync() is null, $"the watcher on {a} to stop");

        await ve.DeleteAsync("x1");

        await Eventually.HoldsAsync(async () => await Watcher(b, "web").GetWatchAsync() is null, $"the watcher on {b} to stop");
    }

    [Fact]
    public async Task A_stop_that_comes_after_the_vm_came_back_to_its_node_does_not_end_the_watch()
    {
        var (a, _) = await DeployWatchedAsync();
        var before = await Watcher(a, "web").GetWatchAsync();

        // What a stop sent when web left a, overtaken by the watch sent when it came back, looks like to the watcher.
        await Watcher(a, "web").StopAsync(0);

        // Longer than the VM's check on its watcher (every 2 s), which would have told a watch that ended again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await Watcher(a, "web").GetWatchAsync();
        Assert.NotNull(after);
        Assert.Equal((0L, before!.Since), (after.Generation, after.Since)); // the same watch, never ended
    }

    [Fact]
    public async Task A_protected_vm_whose_watcher_lost_its_watch_tells_it_again()
    {
        var (a, _) = await DeployWatchedAsync();
        var watcher = Watcher(a, "web");
        var lost = await watcher.GetWatchAsync();

        // A watcher that never heard of web (its watch lost with a silo): no record, its activation gone.
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.State);
        var stored = new GrainState<VmWatchRecord>();
        await storage.ReadStateAsync("watch", watcher.GetGrainId(), stored);
        await storage.ClearStateAsync("watch", watcher.GetGrainId(), stored);
        await watcher.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.HoldsAsync(async () => await watcher.GetWatchAsync() is null, $"the watcher on {a} to have forgotten web");

        await Eventually.HoldsAsync(async () => await watcher.GetWatchAsync() is { Generation: 0 } watch && watch.Since > lost!.Since,
            $"web to tell its watcher on {a} again");
    }

    [Fact]
    public async Task A_watcher_restarts_a_protected_vm_whose_domain_vanished_and_leaves_an_unprotected_one_alone()
    {
        var (a, b) = await DeployWatchedAsync();
        var node = fixture.Client.GetGrain<INodeGrain>(a);
        await using var recorder = await EventRecorder.StartAsync(fixture.Client, ["rennes"]);

        // Behind the agent's back, which does not reconcile here: the domain goes, the reservation stays.
        await node.EvictAsync(Vm("web"));
        await node.AdmitAsync(Vm("web"), new VmSpec(1, 512), defineDomain: false);

        await recorder.WaitForAsync<VmStateChanged>(e => e.Vm == Vm("web") && e.To == VmState.Failed
            && e.Detail!.Contains("its watcher found that its domain is gone"));
        // Where placement says (a is still up): as generation 1 either way, watched there.
        var vm = fixture.Client.GetGrain<IVmGrain>(Vm("web"));
        await Eventually.HoldsAsync(async () => (await vm.GetInfoAsync()) is { State: VmState.Running, Generation: 1 },
            "web to run again as generation 1");
        var web = await vm.GetInfoAsync();
        Assert.Contains(web.Node, new[] { a, b });
        await Eventually.HoldsAsync(async () => (await Watcher(web.Node!, "web").GetWatchAsync()) is { Generation: 1 },
            $"generation 1 to be watched on {web.Node}");
        var batch = await fixture.Client.GetGrain<IVmGrain>(Vm("batch")).GetInfoAsync();
        Assert.Equal((VmState.Running, a, 0L), (batch.State, batch.Node, batch.Generation));
    }

    [Fact]
    public async Task A_watcher_reports_a_vm_lost_when_its_nodes_hypervisor_stops_answering()
    {
        var (a, b) = await DeployWatchedAsync();
        var node = fixture.Client.GetGrain<INodeGrain>(a);
        await using var recorder = await EventRecorder.StartAsync(fixture.Client, ["rennes"]);
        var silo = fixture.Cluster.Silos.Single(s => fixture.SiteOfSilo[s.Name] == "rennes");

        // The host goes away behind the agent's back, as a crashed machine would; the agent itself lives on.
        silo.ServiceProvider.GetRequiredService<HypervisorPool>().PowerOff((await node.GetInfoAsync()).LibvirtUri!);

        await recorder.WaitForAsync<VmStateChanged>(e => e.Vm == Vm("web") && e.To == VmState.Failed
            && e.Detail!.Contains($"its watcher found that the agent of {a} has not answered"));
        var web = await WebRunsAgainAsync(b);
        Assert.Equal(1, web.Generation);
        Assert.Equal(NodeStatus.Up, (await node.GetInfoAsync()).Status); // only the watcher noticed
    }

    [Fact]
    public async Task A_node_lost_to_its_agent_and_to_the_watcher_at_once_restarts_its_protected_vm_once()
    {
        var (a, b) = await DeployWatchedAsync();

        // The agent reports the loss to the site, which recovers its VMs, while the watcher sees the node Down.
        await fixture.Client.GetGrain<INodeGrain>(a).FailAsync();

        await WebRunsAgainAsync(b);
        await Eventually.HoldsAsync(async () => await Watcher(a, "web").GetWatchAsync() is null, $"the watcher on {a} to stop");
        // Long enough for several more looks of every watcher (500 ms apart): none restarts it again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var web = await fixture.Client.GetGrain<IVmGrain>(Vm("web")).GetInfoAsync();
        Assert.Equal((VmState.Running, b, 1L), (web.State, web.Node, web.Generation));
        var domains = await fixture.Client.GetGrain<INodeGrain>(b).GetDomainsAsync();
        Assert.Single(domains, d => d.Name == VmId.Parse(Vm("web")).DomainName);
    }
}
