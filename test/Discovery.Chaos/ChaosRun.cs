using System.Diagnostics;
using Discovery.Abstractions.Nodes;
using Discovery.Client;

namespace Discovery.Chaos;

/// <summary>
/// A whole chaos run, after Jepsen (workload + fault injector + checker over the recorded history) and Orleans' own
/// directory chaos test: start a PostgreSQL and a silo per site, run tenants and faults together, stop the faults,
/// let the system settle, then check every invariant until they hold or the settle time runs out.
/// </summary>
public static class ChaosRun
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(3);

    /// <summary>Runs <paramref name="options"/>; progress lines go to <paramref name="log"/>.</summary>
    public static async Task<ChaosReport> RunAsync(ChaosOptions options, TextWriter log)
    {
        var watch = Stopwatch.StartNew();
        var directory = options.RunDirectory ?? Path.Combine(Path.GetTempPath(), $"discovery-chaos-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        log.WriteLine($"{Clock.Now}  chaos run in {directory}");

        await using var database = await PostgresInstance.StartAsync(options.RepositoryRoot);
        var connection = await database.CreateDatabaseAsync("discovery_chaos");
        await using var network = options.CutSites && SiteNetwork.Missing() is null ? await SiteNetwork.CreateAsync() : null;
        if (network is not null)
        {
            await database.AcceptAsync(network);
            log.WriteLine($"{Clock.Now}  site {options.Sites[^1]} runs in network namespace {network.Namespace} ({network.SiteAddress}), and can be cut off");
        }
        else if (options.CutSites)
            log.WriteLine($"{Clock.Now}  no site can be cut off here: {SiteNetwork.Missing()}");
        await using var fleet = await SiloFleet.StartAsync(options, connection, directory, network, log);
        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            Connection = connection,
            ClusterId = fleet.ClusterId,
            CallTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromSeconds(60),
        });
        await WaitForNodesAsync(client, options);
        log.WriteLine($"{Clock.Now}  {options.Sites.Count} silos up, every node registered; workload and faults start");

        var history = new History();
        var clock = new RecoveryClock(client.Grains, history, log);
        var injector = new FaultInjector(fleet, database, clock, options, log);
        using (var stop = new CancellationTokenSource(options.Workload))
            await Task.WhenAll(new Workload(client, options, history, log).RunAsync(stop.Token), injector.RunAsync(stop.Token));
        await fleet.RestartExitedAsync();
        log.WriteLine($"{Clock.Now}  workload and faults stopped: {history.Count(Outcome.Acknowledged)} operations acknowledged, {injector.Injected.Count} faults; settling");

        var settling = Stopwatch.StartNew();
        var checker = new InvariantChecker(client.Grains, options, history);
        CheckResult check;
        while (true)
        {
            await fleet.RestartExitedAsync();
            check = await checker.CheckAsync();
            if (check.Violations.Count == 0 || settling.Elapsed > options.SettleTimeout)
                break;
            log.WriteLine($"{Clock.Now}  {check.Violations.Count} violation(s) so far, e.g. {check.Violations[0]}");
            await Task.Delay(CheckEvery);
        }
        var settled = settling.Elapsed;
        await clock.WhenAllTimedAsync(TimeSpan.FromSeconds(15));
        return new ChaosReport(options, watch.Elapsed, history.Operations, injector.Injected, injector.SelfStopped, fleet.FailedStarts, check, settled,
            clock.Seconds, clock.Late, directory);
    }

    private static Task WaitForNodesAsync(DiscoveryClient client, ChaosOptions options) =>
        Testing.Eventually.HoldsAsync(async () =>
        {
            foreach (var site in options.Sites)
                for (var i = 1; i <= options.NodesPerSite; i++)
                    if ((await client.Grains.GetGrain<INodeGrain>($"{site}/node-{i}").GetInfoAsync()).Status != NodeStatus.Up)
                        return false;
            return true;
        }, "every node of every site to be registered", TimeSpan.FromSeconds(60));
}
