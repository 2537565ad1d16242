using System.Collections.Concurrent;
using System.Diagnostics;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Scheduling;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;
using Discovery.Grains;
using Discovery.Grains.Coordinates;
using Discovery.Grains.Hypervisors;
using Discovery.Grains.Scheduling;
using Discovery.Grains.Sites;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;
using Discovery.Scheduling.Procedures;
using Discovery.Scheduling.Workload;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Discovery.Bench.Scheduling;

/// <summary>
/// The same comparison on the product's grains: an in-process cluster with one silo per site, node agents on libvirt
/// test-driver hosts, VMs defined and started through their grains, and demand from the workload model (the seeded
/// random walk every silo's <see cref="SnapshotReader"/> runs). Two clusters, one after the other, each built the
/// same way from the same seed: on the first every node's scheduler grain runs DVMS; on the second the schedulers are
/// off, and one central loop reads every node through the same reader each round, plans with the same planner
/// (<see cref="CentralisedScheduler"/>) and migrates through the VM grains. Times are wall-clock.
/// </summary>
public static class GrainRun
{
    private const int NodeCpus = 32, VmMaxVcpus = 8;
    private const long NodeMemoryMiB = 256 * 1024, MemoryMiBPerVcpu = 2048;

    /// <summary>Runs DVMS, then the centralised baseline, each on a fresh cluster.</summary>
    public static async Task<(SchedulerResult Dvms, SchedulerResult Central)> RunAsync(DvmsBenchmarkOptions options, TextWriter progress)
    {
        var dvms = await RunOneAsync(options, distributed: true, progress);
        // Said at once: at 10,000 nodes the baseline's cluster takes as long again to deploy.
        progress.WriteLine($"  {dvms.Name}: {dvms.Events} events, {dvms.TimesToResolve.Count} resolved " +
                           $"(median {Percentiles.NearestRank(dvms.TimesToResolve, 0.5):0.000} s, p95 {Percentiles.NearestRank(dvms.TimesToResolve, 0.95):0.000} s), " +
                           $"{dvms.Unsolvable} unsolvable, {dvms.Migrations} migrations, {dvms.Samples.OverloadedNodeSeconds:0} overloaded node-s");
        var central = await RunOneAsync(options, distributed: false, progress);
        return (dvms, central);
    }

    private static async Task<SchedulerResult> RunOneAsync(DvmsBenchmarkOptions options, bool distributed, TextWriter progress)
    {
        var layout = Layout.Build(options);
        var result = new SchedulerResult(distributed ? "DVMS (node scheduler grains)" : "Centralised (one loop, same planner)");
        var clock = Stopwatch.StartNew();
        var cluster = await StartClusterAsync(layout, options, distributed);
        try
        {
            var client = DiscoveryClient.Attach(cluster.Client);
            await DeployAsync(cluster.Client, layout, progress);
            if (distributed)
                await StartSchedulersAsync(cluster, layout);
            progress.WriteLine($"  {result.Name}: {layout.Nodes.Count} nodes and {layout.Vms.Count} VMs up after {clock.Elapsed.TotalSeconds:0} s; running {options.Seconds:0} s");
            var reader = cluster.Silos[0].ServiceProvider.GetRequiredService<SnapshotReader>();
            using var stop = new CancellationTokenSource();
            var events = distributed ? WatchAsync(client, layout, result, stop.Token) : Task.CompletedTask;
            var detector = Workloads.Detector(options);
            var run = distributed
                ? SampleAsync(cluster.Client, layout, options, result, stop.Token)
                : CentralAsync(cluster.Client, reader, layout, options, detector, result, stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(options.Seconds));
            stop.Cancel();
            await Task.WhenAll(run, events);
            result.Wall = clock.Elapsed;
            return result;
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(Layout layout, DvmsBenchmarkOptions options, bool distributed) =>
        (await BenchCluster.StartAsync(layout.Catalog, (_, silo) =>
        {
            // Per-node background work, scaled down because 10,000 agents share two cores here instead of having a
            // machine each: coordinates every 30 s, hypervisor reconciliation every 2 minutes.
            silo.Services.Configure<LocalityOptions>(o => o.Interval = TimeSpan.FromSeconds(30));
            silo.Services.Configure<HypervisorOptions>(o => o.ReconcileInterval = TimeSpan.FromMinutes(2));
            // Calls between grains wait longer than a real deployment's 30 s: at 10,000 agents a call can queue that
            // long behind the registration burst on two cores. Times to resolve are measured on events, not on calls.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(3));
            silo.Services.Configure<SchedulerOptions>(o =>
            {
                o.Enabled = false; // switched on once everything is deployed (StartSchedulersAsync)
                o.Consolidation = options.Consolidation;
                o.MonitorInterval = TimeSpan.FromSeconds(options.MonitorSeconds);
                o.Workload = WorkloadModel.RandomWalk;
                o.RandomWalk = Workloads.Walk(options);
                o.Overload = Workloads.Detection(options);
            });
        })).Cluster;

    // Nodes first, then VMs, 16 calls at once: more only queues messages on two cores (see the scale benchmark).
    private static async Task DeployAsync(IClusterClient grains, Layout layout, TextWriter progress)
    {
        await ForEachAsync(layout.Nodes, node => grains.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(NodeCpus, NodeMemoryMiB, CpuOvercommit: 4)));
        var started = 0;
        await ForEachAsync(layout.Vms, async vm =>
        {
            var grain = grains.GetGrain<IVmGrain>(vm.Id);
            await grain.DefineAsync(new VmSpec(vm.Vcpus, vm.Vcpus * MemoryMiBPerVcpu), vm.Node);
            await grain.StartAsync();
            if (Interlocked.Increment(ref started) % 10000 == 0)
                progress.WriteLine($"    {started} VMs started");
        });
    }

    // As in the DVMS experiments, the schedulers start on a deployed infrastructure: thousands of nodes sampling their
    // VMs while 20,000 VMs are being started only slow the deployment down.
    private static async Task StartSchedulersAsync(InProcessTestCluster cluster, Layout layout)
    {
        foreach (var silo in cluster.Silos)
            silo.ServiceProvider.GetRequiredService<IOptions<SchedulerOptions>>().Value.Enabled = true;
        await ForEachAsync(layout.Nodes, node => cluster.Client.GetGrain<ISchedulerGrain>(node).StartAsync());
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> action) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, _) => await action(item));

    // Every SchedulingStepped event: "started" opens an event, "resolved"/"unsolvable" closes it; partition sizes,
    // migrations and the most procedures open at once come from the same stream.
    private static async Task WatchAsync(DiscoveryClient client, Layout layout, SchedulerResult result, CancellationToken stop)
    {
        var open = new Dictionary<string, DateTimeOffset>();
        try
        {
            await foreach (var e in client.Events.WatchAsync(layout.Sites.Select(s => s.Name), cancellationToken: stop))
            {
                if (e is not SchedulingStepped step)
                    continue;
                switch (step.Step)
                {
                    case "started":
                        open[step.Node] = step.At;
                        result.Events++;
                        result.MaxProcedures = Math.Max(result.MaxProcedures, open.Count);
                        break;
                    case "resolved" when open.Remove(step.Node, out var since):
                        result.TimesToResolve.Add((step.At - since).TotalSeconds);
                        result.Migrations += step.Migrations;
                        result.PartitionSizes.Add(step.PartitionSize);
                        break;
                    case "unsolvable" when open.Remove(step.Node, out _):
                        result.Unsolvable++;
                        result.PartitionSizes.Add(step.PartitionSize);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        result.Unfinished = open.Count;
    }

    // The wall-clock seconds a sample stands for: since the previous one. A tick whose reads take longer than the
    // monitoring interval makes the timer skip ticks; weighting each sample by the interval alone would then count
    // a slow loop's overloaded nodes for a fraction of the time they stayed overloaded.
    private sealed class SampleSpan(double first)
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private bool _started;

        public double Next()
        {
            var seconds = _started ? _since.Elapsed.TotalSeconds : first;
            _started = true;
            _since.Restart();
            return seconds;
        }
    }

    // What each node's scheduler saw at its last look, every monitoring interval: overloaded nodes and power.
    private static async Task SampleAsync(IClusterClient grains, Layout layout, DvmsBenchmarkOptions options, SchedulerResult result, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.MonitorSeconds));
        var span = new SampleSpan(options.MonitorSeconds);
        while (await Tick(timer, stop))
        {
            var statuses = await Task.WhenAll(layout.Nodes.Select(n => grains.GetGrain<ISchedulerGrain>(n).GetStatusAsync()));
            var vmCounts = await VmCountsAsync(grains, layout);
            result.Samples.Sample(statuses.Select(s => Synthetic(s.Node, s.CpuDemand, vmCounts.GetValueOrDefault(s.Node))), span.Next());
        }
    }

    // The centralised baseline: each tick it reads every node (demand from the same workload model), raises events
    // with the same detector, and every CentralPeriodSeconds plans all pending events on the whole infrastructure
    // and migrates. Reading, planning and migrating all count in the time to resolve.
    private static async Task CentralAsync(IClusterClient grains, SnapshotReader reader, Layout layout, DvmsBenchmarkOptions options,
        OverloadDetector detector, SchedulerResult result, CancellationToken stop)
    {
        var scheduler = new CentralisedScheduler(new ReconfigurationPlanner(), detector);
        var pending = new Dictionary<string, (NodeEvent Event, DateTimeOffset RaisedAt)>();
        var nextRound = DateTimeOffset.UtcNow;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.MonitorSeconds));
        var span = new SampleSpan(options.MonitorSeconds);
        while (await Tick(timer, stop))
        {
            var now = SnapshotReader.Now(TimeProvider.System);
            var nodes = (await Task.WhenAll(layout.Nodes.Select(n => reader.NodeAsync(grains, n, now)))).ToList();
            result.Messages += nodes.Count + nodes.Sum(n => n.Vms.Count);
            result.Samples.Sample(nodes, span.Next());
            foreach (var node in nodes)
                if (detector.Observe(node, now) is { } raised && !pending.ContainsKey(raised.Node))
                {
                    pending[raised.Node] = (raised, DateTimeOffset.UtcNow);
                    result.Events++;
                }
            if (DateTimeOffset.UtcNow < nextRound || pending.Count == 0)
                continue;
            var solving = Stopwatch.StartNew();
            var round = scheduler.Handle(nodes, [], pending.Values.Select(p => p.Event).ToList());
            result.Solving += solving.Elapsed;
            foreach (var (@event, plan) in round.Plans)
            {
                foreach (var migration in plan.Migrations)
                {
                    try
                    {
                        await grains.GetGrain<IVmGrain>(migration.Vm).MigrateAsync(migration.To);
                        result.Migrations++;
                        result.Messages++;
                    }
                    catch (Exception e) when (e is InvalidOperationException or ArgumentException)
                    {
                        result.PlanConflicts++;
                    }
                }
                result.TimesToResolve.Add((DateTimeOffset.UtcNow - pending[@event.Node].RaisedAt).TotalSeconds);
                result.PartitionSizes.Add(nodes.Count);
                pending.Remove(@event.Node);
            }
            foreach (var (@event, _) in round.Unsolvable)
            {
                result.Unsolvable++;
                pending.Remove(@event.Node);
            }
            nextRound = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.CentralPeriodSeconds);
        }
        result.Unfinished = pending.Count;
        result.MaxProcedures = 1;
    }

    private static async Task<Dictionary<string, int>> VmCountsAsync(IClusterClient grains, Layout layout)
    {
        var infos = await Task.WhenAll(layout.Nodes.Select(n => grains.GetGrain<INodeGrain>(n).GetInfoAsync()));
        return infos.ToDictionary(i => i.Id.ToString(), i => i.Status == NodeStatus.Standby ? 0 : Math.Max(1, i.Vms?.Count ?? 0));
    }

    // A stand-in node state with the scheduler's demand, for the sampler's overload count and power model.
    private static NodeState Synthetic(string node, double cpuDemand, int vms) =>
        new(new Discovery.Abstractions.Environments.Constraints.PlacementHost(node, NodeId.Parse(node).Site), new NodeCapacity(NodeCpus, NodeMemoryMiB),
            Enumerable.Range(0, vms).Select(i => new HostedVm($"{node}#{i}", new VmLoad(i == 0 ? cpuDemand : 0, 0))).ToList());

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private sealed record VmPlan(string Id, string Node, int Vcpus);

    /// <summary>Sites around France, nodes dealt evenly over them, VMs of 1 to 8 vCPUs dealt round-robin.</summary>
    private sealed record Layout(IReadOnlyList<SiteLocation> Sites, SiteCatalog Catalog, IReadOnlyList<string> Nodes, IReadOnlyList<VmPlan> Vms)
    {
        public static Layout Build(DvmsBenchmarkOptions options)
        {
            var random = new Random(options.Seed);
            var sites = Enumerable.Range(0, options.Sites)
                .Select(i => new SiteLocation($"site{i:00}", 43 + 6 * random.NextDouble(), -2 + 10 * random.NextDouble(), i % 2 == 0 ? "west" : "east"))
                .ToList();
            var nodes = Enumerable.Range(0, options.Nodes).Select(i => $"{sites[i % sites.Count].Name}/n{i / sites.Count:00000}").ToList();
            var vms = Enumerable.Range(0, options.Vms).Select(i => new VmPlan($"bench/vm{i:000000}", nodes[i % nodes.Count], random.Next(1, VmMaxVcpus + 1))).ToList();
            return new Layout(sites, new SiteCatalog(sites), nodes, vms);
        }
    }
}
