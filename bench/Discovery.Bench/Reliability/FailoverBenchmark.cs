using System.Diagnostics;
using System.Runtime.InteropServices;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;
using Discovery.Grains.Sites;
using Orleans.Configuration;

namespace Discovery.Bench.Reliability;

/// <summary>What the failover benchmark runs.</summary>
/// <param name="Rounds">Clusters built, each losing one site's silo.</param>
/// <param name="Vms">Protected VMs (HA restart) on the site that dies, each round.</param>
/// <param name="ProbeTimeout">Orleans' membership probe timeout.</param>
/// <param name="MissedProbes">Missed probes before a silo is suspected.</param>
public sealed record FailoverOptions(int Rounds = 5, int Vms = 20, TimeSpan? ProbeTimeout = null, int MissedProbes = 2)
{
    public TimeSpan Probe => ProbeTimeout ?? TimeSpan.FromSeconds(1);
}

/// <summary>
/// Time from a silo's death to its protected VMs running again on other sites: each round builds a three-site
/// in-process cluster (paris, lyon, rennes) with fast failure detection, deploys one VE of protected VMs on lyon's
/// nodes, kills lyon's silo and timestamps, from the event streams, when lyon's nodes are reported unreachable
/// (detection) and when each VM runs again elsewhere (restart).
/// </summary>
public static class FailoverBenchmark
{
    private static readonly SiteCatalog Catalog = new([
        new SiteLocation("paris", 48.8566, 2.3522, "fr-north"),
        new SiteLocation("lyon", 45.7640, 4.8357, "fr-south"),
        new SiteLocation("rennes", 48.1173, -1.6778, "fr-north"),
    ]);

    public static async Task RunAsync(FailoverOptions options, TextWriter output)
    {
        var detections = new List<double>();
        var restarts = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var (detected, running) = await RoundAsync(options, round);
            detections.Add(detected);
            restarts.AddRange(running);
            Console.Error.WriteLine($"  round {round}: unreachable after {detected:0.00} s, {running.Count} VMs running again after {running.Min():0.00}–{running.Max():0.00} s");
        }
        output.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"Failure detection: ProbeTimeout {options.Probe.TotalSeconds:0.##} s, NumMissedProbesLimit {options.MissedProbes}, " +
                         $"NumVotesForDeathDeclaration 1; {options.Rounds} rounds of {options.Vms} protected VMs");
        output.WriteLine();
        output.WriteLine("| from the silo's death to | median (s) | p95 (s) | max (s) | samples |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        output.WriteLine(Row("its nodes reported unreachable", detections));
        output.WriteLine(Row("a protected VM running again elsewhere", restarts));
    }

    private static async Task<(double Detected, List<double> Running)> RoundAsync(FailoverOptions options, int round)
    {
        var (cluster, siteOfSilo) = await BenchCluster.StartAsync(Catalog, (_, silo) => silo.Configure<ClusterMembershipOptions>(m =>
        {
            m.ProbeTimeout = options.Probe;
            m.NumMissedProbesLimit = options.MissedProbes;
            m.NumVotesForDeathDeclaration = 1;
        }));
        try
        {
            var grains = cluster.Client;
            foreach (var site in new[] { "paris", "lyon", "rennes" })
                for (var i = 0; i < 2; i++)
                    await grains.GetGrain<INodeGrain>($"{site}/n{i}").RegisterAsync(new NodeSpec(64, 262144));
            var ve = grains.GetGrain<IVeGrain>($"bench/failover-{round}");
            await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512, Count: options.Vms, Ha: HaMode.Restart)],
                [new Abstractions.Environments.Constraints.Fence([], ["lyon", "paris"])]), "c1");
            await ve.DeployAsync("d1", Locality.NearSite("lyon"));
            var vms = (await ve.LocateAsync()).Vms.Select(v => v.Vm).ToList();

            var sdk = DiscoveryClient.Attach(grains);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var watching = WatchAsync(sdk, $"bench/failover-{round}/", vms.Count, stop.Token);
            await Task.Delay(500); // the subscriptions are in place before the kill
            var killedAt = DateTimeOffset.UtcNow;
            await cluster.KillSiloAsync(cluster.Silos.Single(s => siteOfSilo[s.Name] == "lyon"));
            (DateTimeOffset Unreachable, List<DateTimeOffset> Running) result;
            try
            {
                result = await watching;
            }
            catch (OperationCanceledException)
            {
                var infos = await Task.WhenAll(vms.Select(vm => grains.GetGrain<IVmGrain>($"bench/failover-{round}/{vm}").GetInfoAsync()));
                throw new TimeoutException($"round {round}: not every VM ran again within 3 minutes: " +
                    string.Join("; ", infos.Where(i => i.Node?.StartsWith("paris/", StringComparison.Ordinal) != true || i.State != VmState.Running).Select(i => $"{i.Id} {i.State} on {i.Node}: {i.Failure}")));
            }
            var (unreachable, running) = result;
            return ((unreachable - killedAt).TotalSeconds, running.Select(r => (r - killedAt).TotalSeconds).ToList());
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static async Task<(DateTimeOffset Unreachable, List<DateTimeOffset> Running)> WatchAsync(DiscoveryClient sdk, string prefix, int count, CancellationToken stop)
    {
        DateTimeOffset? unreachable = null;
        var running = new Dictionary<string, DateTimeOffset>();
        await foreach (var e in sdk.Events.WatchAsync(["paris", "lyon", "rennes"], cancellationToken: stop))
        {
            if (e is NodeUnreachable && unreachable is null)
                unreachable = e.At;
            if (e is VmStateChanged { To: VmState.Running } v && v.Vm.StartsWith(prefix, StringComparison.Ordinal) && v.Node?.StartsWith("paris/", StringComparison.Ordinal) == true)
                running.TryAdd(v.Vm, e.At);
            if (unreachable is not null && running.Count == count)
                return (unreachable.Value, running.Values.ToList());
        }
        throw new OperationCanceledException($"only {running.Count} of {count} VMs ran again within 3 minutes");
    }

    private static string Row(string what, List<double> values)
    {
        return $"| {what} | {Percentiles.NearestRank(values, 0.5):0.00} | {Percentiles.NearestRank(values, 0.95):0.00} | {values.Max():0.00} | {values.Count} |";
    }
}
