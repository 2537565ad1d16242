using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Client;
using Discovery.Grains;
using Discovery.Grains.Coordinates;
using Discovery.Grains.Hypervisors;
using Discovery.Grains.Sites;
using Discovery.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Discovery.Bench.Scale;

/// <summary>Settings of the scale benchmark, as given on the command line.</summary>
internal sealed record ScaleBenchmarkOptions(int Nodes, int Sites, int Vms, int Ves, int Concurrency, int Seed)
{
    public int VmsPerVe => Math.Max(1, Vms / Ves);

    public string Command =>
        $"discovery-bench scale --nodes {Nodes} --sites {Sites} --vms {Vms} --ves {Ves} --concurrency {Concurrency} --seed {Seed}";

    public static ScaleBenchmarkOptions From(Options options)
    {
        var settings = new ScaleBenchmarkOptions(options.GetInt("--nodes", 10_000), options.GetInt("--sites", 100), options.GetInt("--vms", 100_000),
            options.GetInt("--ves", 10_000), options.GetInt("--concurrency", 16), options.GetInt("--seed", 1));
        if (settings.Sites < 2)
            throw new ArgumentException("--sites must be at least 2: one silo is killed at the end");
        if (settings.Nodes < settings.Sites)
            throw new ArgumentException($"--nodes ({settings.Nodes}) must be at least --sites ({settings.Sites})");
        if (settings.Ves > settings.Vms)
            throw new ArgumentException($"--ves ({settings.Ves}) must not exceed --vms ({settings.Vms})");
        return settings;
    }
}

/// <summary>
/// One cluster at the size of a national backbone, in one process: a silo per site (site placement needs one), node
/// agents on libvirt test-driver hosts, VEs deployed through the VE grains near random sites while a client listens to
/// every site's event stream. Measures memory per node and per VM, deploy time and placement throughput, event
/// fan-out latency, and how long a killed silo takes to have its site's nodes reported unreachable.
/// </summary>
internal static class ScaleBenchmark
{
    private sealed record Phase(string What, TimeSpan Time, string Result);

    public static async Task RunAsync(ScaleBenchmarkOptions settings, TextWriter output)
    {
        var sites = Enumerable.Range(1, settings.Sites).Select(i => $"site-{i:D3}").ToList();
        var random = new Random(settings.Seed);
        // Sites scattered over France and its neighbours, so placement's nearest-site ordering has real distances.
        var catalog = new SiteCatalog(sites.Select((s, i) => new SiteLocation(s, 42 + random.NextDouble() * 9, -4 + random.NextDouble() * 12, $"region-{i % 8}")));
        var phases = new List<Phase>();
        // Each phase as it ends on stderr, so a long run shows where it is; the report goes to stdout at the end.
        void Done(Phase phase)
        {
            phases.Add(phase);
            Console.Error.WriteLine($"scale: {phase.What}: {phase.Time.TotalSeconds:N1} s, {phase.Result}");
        }
        var clock = Stopwatch.StartNew();
        var baseline = Memory.Measure();

        var cluster = await StartClusterAsync(catalog);
        Done(new Phase($"start {sites.Count} silos", clock.Elapsed, $"{Memory.Measure().Describe(baseline)}"));
        try
        {
            await using var sdk = DiscoveryClient.Attach(cluster.Client, callTimeout: TimeSpan.FromMinutes(10));
            var events = new EventLatencies();
            await using var subscription = await sdk.SubscribeAsync(sites, e => { events.Record(e); return Task.CompletedTask; });

            // Nodes: registered per site, as each site's silo does from its inventory.
            var beforeNodes = Memory.Measure();
            clock.Restart();
            var perSite = Spread(settings.Nodes, sites.Count);
            await ForEachAsync(sites.SelectMany((site, i) => Enumerable.Range(1, perSite[i]).Select(n => $"{site}/node-{n}")), settings.Concurrency,
                node => cluster.Client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(64, 262_144)));
            var nodesTime = clock.Elapsed;
            var afterNodes = Memory.Measure();
            Done(new Phase($"register {settings.Nodes:N0} nodes", nodesTime,
                $"{settings.Nodes / nodesTime.TotalSeconds:N0} nodes/s; {afterNodes.PerItem(beforeNodes, settings.Nodes)} per node"));

            // VEs: VmsPerVe one-vCPU VMs each, spread over nodes, near a random site.
            events.Reset();
            var beforeVms = Memory.Measure();
            clock.Restart();
            var placed = 0;
            var failed = new ConcurrentBag<string>();
            var latencies = new ConcurrentBag<double>();
            var spec = new VeSpec([new VmTemplate("vm", 1, 1024, Count: settings.VmsPerVe)], [new Discovery.Abstractions.Environments.Constraints.Spread(["vm"])]);
            // A line a minute, so that a long run can be followed (and its rate read) before it ends.
            var progress = new Timer(_ => Console.Error.WriteLine(
                $"scale: deploying: {Volatile.Read(ref placed):N0} of {settings.Ves:N0} VEs placed, {failed.Count} failed, after {clock.Elapsed.TotalSeconds:N0} s " +
                $"({Volatile.Read(ref placed) * settings.VmsPerVe / Math.Max(1, clock.Elapsed.TotalSeconds):N1} VMs/s)"), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            await ForEachAsync(Enumerable.Range(1, settings.Ves), settings.Concurrency, async i =>
            {
                var ve = cluster.Client.GetGrain<IVeGrain>($"scale-{i % 97}/ve-{i}");
                var near = sites[(i * 7919 + settings.Seed) % sites.Count];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await ve.ConfigureAsync(spec, $"configure-{i}");
                    await ve.DeployAsync($"deploy-{i}", Locality.NearSite(near));
                    Interlocked.Increment(ref placed);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e) when (e is PlacementFailedException or InvalidVeSpecException or VeOperationException)
                {
                    failed.Add(e.Message);
                }
            });
            var deployTime = clock.Elapsed;
            await progress.DisposeAsync(); // its lines are about the deploys only
            var afterVms = Memory.Measure();
            var vms = placed * settings.VmsPerVe;
            Done(new Phase($"deploy {settings.Ves:N0} VEs × {settings.VmsPerVe} VMs", deployTime,
                $"{placed:N0} placed, {failed.Count} failed; {placed / deployTime.TotalSeconds:N1} VEs/s, {vms / deployTime.TotalSeconds:N0} VMs/s; " +
                $"per VE p50 {Percentile(latencies, 0.5):N0} ms, p99 {Percentile(latencies, 0.99):N0} ms; {afterVms.PerItem(beforeVms, Math.Max(1, vms))} per VM"));
            Done(new Phase("event fan-out during the deploys", TimeSpan.Zero, events.Summary()));

            // The same stream path once the backlog of the deploys is delivered: one node status change at a time, on
            // sites all over, timed alone (coordinate updates keep flowing meanwhile).
            clock.Restart();
            await events.WaitForQuietAsync(TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(2));
            Done(new Phase("deliver the deploys' event backlog", clock.Elapsed, $"{events.Count:N0} events delivered in all"));
            events.Reset(e => e is NodeStatusChanged);
            clock.Restart();
            foreach (var site in sites.Take(50))
            {
                var node = cluster.Client.GetGrain<INodeGrain>($"{site}/node-1");
                await node.SetStatusAsync(NodeStatus.Maintenance);
                await node.SetStatusAsync(NodeStatus.Up);
            }
            await events.WaitForCountAsync(2 * Math.Min(50, sites.Count), TimeSpan.FromSeconds(30));
            Done(new Phase("event fan-out, quiet cluster", clock.Elapsed, events.Summary()));

            // A silo dies: every node of its site must be reported unreachable on the site's stream.
            var victimIndex = cluster.Silos.Count - 1;
            var victim = cluster.Silos[victimIndex];
            var victimSite = victim.ServiceProvider.GetRequiredService<LocalSite>().Name;
            var victimNodes = (await cluster.Client.GetGrain<ISiteGrain>(victimSite).GetNodeNamesAsync()).Count;
            events.Reset();
            clock.Restart();
            await cluster.KillSiloAsync(victim);
            var reported = await events.WaitForUnreachableAsync(victimSite, victimNodes, TimeSpan.FromMinutes(3));
            Done(new Phase($"kill the silo of {victimSite}", clock.Elapsed,
                reported ? $"all {victimNodes} nodes reported unreachable" : $"only {events.UnreachableOf(victimSite)} of {victimNodes} nodes reported unreachable within 3 min"));
            Report(output, settings, phases, Memory.Measure(), failed);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(SiteCatalog catalog)
    {
        var data = Path.Combine(Path.GetTempPath(), $"discovery-scale-{Environment.ProcessId}");
        return (await BenchCluster.StartAsync(catalog, (site, silo) =>
        {
            silo.Services.Configure<HypervisorOptions>(o => o.DataDirectory = Path.Combine(data, site));
            // The failure detection the deployment guide recommends, so the silo-death phase measures it, not the defaults.
            silo.Services.Configure<ClusterMembershipOptions>(o => (o.ProbeTimeout, o.NumMissedProbesLimit, o.TableRefreshTimeout) =
                (TimeSpan.FromSeconds(2), 3, TimeSpan.FromSeconds(5)));
            // Vivaldi probes: one per node every 30 s instead of 5 s, so that 2 cores are not spent on probes alone.
            silo.Services.Configure<LocalityOptions>(o => o.Interval = TimeSpan.FromSeconds(30));
            // 100 silos in one process on 2 cores: a call may queue longer than Orleans' default 30 s (a node's
            // locality bootstrap, a placement's spiral search timed out there), as in the DVMS grain bench.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(3));
        }, ready: TimeSpan.FromMinutes(2))).Cluster;
    }

    private static int[] Spread(int total, int parts) =>
        Enumerable.Range(0, parts).Select(i => total / parts + (i < total % parts ? 1 : 0)).ToArray();

    private static async Task ForEachAsync<T>(IEnumerable<T> items, int concurrency, Func<T, Task> action) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) => await action(item));

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }

    private static void Report(TextWriter output, ScaleBenchmarkOptions settings, IReadOnlyList<Phase> phases, Memory end, IEnumerable<string> failures)
    {
        output.WriteLine($"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"Command: `{settings.Command}`");
        output.WriteLine();
        output.WriteLine("| phase | time | result |");
        output.WriteLine("|---|---|---|");
        foreach (var phase in phases)
            output.WriteLine($"| {phase.What} | {(phase.Time == TimeSpan.Zero ? "–" : $"{phase.Time.TotalSeconds:N1} s")} | {phase.Result} |");
        output.WriteLine();
        output.WriteLine($"At the end: {end.Describe(null)}.");
        foreach (var failure in failures.GroupBy(f => f.Length > 120 ? f[..120] : f).OrderByDescending(g => g.Count()).Take(3))
            output.WriteLine($"- {failure.Count()} × {failure.Key}");
    }

    /// <summary>Managed heap after a full collection, and the process's resident set (libvirt's test hosts live outside the heap).</summary>
    private sealed record Memory(long Heap, long Rss)
    {
        public static Memory Measure()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var self = Process.GetCurrentProcess();
            return new Memory(GC.GetTotalMemory(forceFullCollection: false), self.WorkingSet64);
        }

        public string PerItem(Memory before, int count) =>
            $"heap {(Heap - before.Heap) / (double)count / 1024:N1} KiB, RSS {(Rss - before.Rss) / (double)count / 1024:N1} KiB";

        public string Describe(Memory? before) => before is null
            ? $"heap {Heap / 1048576.0:N0} MiB, RSS {Rss / 1048576.0:N0} MiB"
            : $"heap {Heap / 1048576.0:N0} MiB, RSS {Rss / 1048576.0:N0} MiB (+{(Rss - before.Rss) / 1048576.0:N0} MiB)";
    }

    /// <summary>How long events take from their publisher (the event's own timestamp) to a client subscribed to every site.</summary>
    private sealed class EventLatencies
    {
        private readonly ConcurrentBag<double> _ms = [];
        private Func<DiscoveryEvent, bool> _timed = _ => true;
        private long _lastTicks = Stopwatch.GetTimestamp();
        private int _count;
        private double _lastLatencyMs = double.MaxValue;

        public int Count => _count;
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _unreachable = new();

        public void Record(DiscoveryEvent e)
        {
            Interlocked.Increment(ref _count);
            Interlocked.Exchange(ref _lastTicks, Stopwatch.GetTimestamp());
            var latency = (DateTimeOffset.UtcNow - e.At).TotalMilliseconds;
            Volatile.Write(ref _lastLatencyMs, latency);
            if (_timed(e))
                _ms.Add(latency);
            if (e is NodeUnreachable u)
                _unreachable.GetOrAdd(u.Site, _ => new())[u.Node] = true;
        }

        public void Reset(Func<DiscoveryEvent, bool>? timed = null)
        {
            _timed = timed ?? (_ => true);
            _ms.Clear();
            _unreachable.Clear();
        }

        // Until the subscriber has caught up: no event for quietFor, or the latest one was published under a second ago
        // (coordinate updates keep the streams busy, so they never fall silent).
        public async Task WaitForQuietAsync(TimeSpan quietFor, TimeSpan max)
        {
            var deadline = Stopwatch.StartNew();
            while (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastTicks)) < quietFor && Volatile.Read(ref _lastLatencyMs) > 1000 && deadline.Elapsed < max)
                await Task.Delay(100);
        }

        public async Task WaitForCountAsync(int count, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (_ms.Count < count && deadline.Elapsed < timeout)
                await Task.Delay(20);
        }

        public int UnreachableOf(string site) => _unreachable.TryGetValue(site, out var nodes) ? nodes.Count : 0;

        public async Task<bool> WaitForUnreachableAsync(string site, int nodes, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (UnreachableOf(site) < nodes)
            {
                if (deadline.Elapsed > timeout)
                    return false;
                await Task.Delay(50);
            }
            return true;
        }

        public string Summary() => _ms.IsEmpty
            ? "no event received"
            : $"{_ms.Count:N0} events; p50 {Percentile(_ms, 0.5):N0} ms, p99 {Percentile(_ms, 0.99):N0} ms, max {_ms.Max():N0} ms";
    }
}
