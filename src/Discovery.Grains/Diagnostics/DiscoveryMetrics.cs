using System.Diagnostics;
using System.Diagnostics.Metrics;
using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Grains.Diagnostics;

/// <summary>
/// The system's own meter, <c>Discovery</c>, beside Orleans' <c>Microsoft.Orleans</c>: what an operator watches to see
/// that placements succeed, VMs move, DVMS fixes overloads and images flow. A silo exports both for Prometheus at
/// <c>/metrics</c> on its HTTP port (deployment/README.md lists the series). The instruments are process-wide: a
/// process running several silos (the embedded demo) reports their sum.
/// </summary>
public static class DiscoveryMetrics
{
    /// <summary>The meter's name, to subscribe to it (<c>AddMeter(DiscoveryMetrics.MeterName)</c>).</summary>
    public const string MeterName = "Discovery";

    // Seconds, from a fast local placement to a DVMS procedure that grows its partition over many nodes.
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    };

    private static readonly Meter Meter = new(MeterName, typeof(DiscoveryMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Placements = Meter.CreateCounter<long>(
        "discovery.placements", "{placement}", "VE placements (deploy), by outcome: placed or failed");

    private static readonly Histogram<double> PlacementDuration = Meter.CreateHistogram(
        "discovery.placement.duration", "s", "Time to plan and reserve every VM of a VE", tags: null, advice: SecondsBuckets);

    private static readonly Counter<long> Migrations = Meter.CreateCounter<long>(
        "discovery.migrations", "{migration}", "VM migrations done, by kind: live or cold");

    private static readonly Counter<long> DvmsStarted = Meter.CreateCounter<long>(
        "discovery.dvms.started", "{procedure}", "DVMS procedures a node started for an event it raised");

    private static readonly Counter<long> DvmsResolved = Meter.CreateCounter<long>(
        "discovery.dvms.resolved", "{procedure}", "DVMS procedures that fixed their event");

    private static readonly Counter<long> DvmsUnsolvable = Meter.CreateCounter<long>(
        "discovery.dvms.unsolvable", "{procedure}", "DVMS procedures that gave up: no partition could fix the event");

    private static readonly Histogram<double> DvmsResolveTime = Meter.CreateHistogram(
        "discovery.dvms.resolve.duration", "s", "Time from a node's event to its resolution", tags: null, advice: SecondsBuckets);

    private static readonly Counter<long> WatcherTriggers = Meter.CreateCounter<long>(
        "discovery.watcher.triggers", "{vm}", "Protected VMs a watcher declared lost on their node, by cause: crashed, dead-silo, unreachable, node-down");

    private static readonly Counter<long> ChunkTransfers = Meter.CreateCounter<long>(
        "discovery.chunk.transfers", "{chunk}", "Image chunks a site copied from another site's replica");

    private static readonly Counter<long> ChunkBytes = Meter.CreateCounter<long>(
        "discovery.chunk.transferred", "By", "Compressed bytes of image chunks copied between sites");

    // An up-down counter moved by the VM grains' transitions: summed over the silos it is the cluster's running VMs.
    private static readonly UpDownCounter<long> VmsRunning = Meter.CreateUpDownCounter<long>(
        "discovery.vms.running", "{vm}", "VMs running; sum over every silo for the cluster's total");

    /// <summary>Runs a VE's placement, counting it by outcome and timing it.</summary>
    // Moved by the node agents when consolidation puts a node in standby and when it wakes up.
    private static readonly UpDownCounter<long> NodesStandby = Meter.CreateUpDownCounter<long>(
        "discovery.energy.nodes.standby", "{node}", "Nodes in standby after consolidation emptied them; sum over every silo");

    private static readonly UpDownCounter<double> WattsSaved = Meter.CreateUpDownCounter<double>(
        "discovery.energy.saved", "W", "IT watts saved by nodes in standby (idle minus standby power each); sum over every silo");

    /// <summary>A node went to standby (<paramref name="on"/>) or woke up, saving or no longer saving <paramref name="watts"/>.</summary>
    public static void Standby(bool on, double watts)
    {
        NodesStandby.Add(on ? 1 : -1);
        WattsSaved.Add(on ? watts : -watts);
    }

    public static async Task<T> TimePlacementAsync<T>(Func<Task<T>> place)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var result = await place();
            outcome = "placed";
            return result;
        }
        finally
        {
            Placements.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            PlacementDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>A VM moved to another node.</summary>
    public static void Migrated(MigrationKind kind) =>
        Migrations.Add(1, new KeyValuePair<string, object?>("kind", kind == MigrationKind.Live ? "live" : "cold"));

    /// <summary>A watcher declared its protected VM lost on its node, for <paramref name="cause"/>.</summary>
    public static void WatcherTriggered(string cause) => WatcherTriggers.Add(1, new KeyValuePair<string, object?>("cause", cause));

    /// <summary>A node started a DVMS procedure.</summary>
    public static void DvmsProcedureStarted() => DvmsStarted.Add(1);

    /// <summary>A DVMS procedure fixed its event, <paramref name="seconds"/> after the event was raised.</summary>
    public static void DvmsProcedureResolved(double seconds)
    {
        DvmsResolved.Add(1);
        DvmsResolveTime.Record(Math.Max(0, seconds));
    }

    /// <summary>A DVMS procedure gave up.</summary>
    public static void DvmsProcedureUnsolvable() => DvmsUnsolvable.Add(1);

    /// <summary>A site copied one chunk of <paramref name="bytes"/> compressed bytes from another site.</summary>
    public static void ChunkTransferred(int bytes)
    {
        ChunkTransfers.Add(1);
        ChunkBytes.Add(bytes);
    }

    /// <summary>A VM went from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static void VmStateChanged(VmState from, VmState to)
    {
        if (from == to)
            return;
        if (to == VmState.Running)
            VmsRunning.Add(1);
        else if (from == VmState.Running)
            VmsRunning.Add(-1);
    }
}
