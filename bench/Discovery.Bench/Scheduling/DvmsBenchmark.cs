using System.Runtime.InteropServices;

namespace Discovery.Bench.Scheduling;

/// <summary>
/// DVMS against a centralised scheduler on one synthetic infrastructure and one random-walk workload, in the same
/// process and run: events, time to resolve, overload left, migrations, partitions, messages and power, side by side.
/// </summary>
public static class DvmsBenchmark
{
    public static void Run(DvmsBenchmarkOptions options, TextWriter output)
    {
        output.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        if (options.Grains)
        {
            RunGrains(options, output);
            return;
        }
        var infrastructure = SyntheticInfrastructure.Build(options.Nodes, options.Vms, options.Seed, Workloads.InitialFraction);
        output.WriteLine($"Infrastructure: {infrastructure.Nodes.Count} nodes in {infrastructure.Sites} sites, {options.Vms} VMs, {infrastructure.Constraints.Count / 3} VEs "
            + $"(Spread + Fence + Root); {options.Seconds:0} simulated s, monitoring every {options.MonitorSeconds:0} s, central round every "
            + $"{options.CentralPeriodSeconds:0} s, DVMS messages {options.LatencySeconds * 1000:0} ms + 0–{options.LatencySeconds * 500:0} ms one way, "
            + $"consolidation {(options.Consolidation ? "on" : "off")}, seed {options.Seed}");
        output.WriteLine();
        var dvms = DvmsRun.Run(infrastructure, options);
        var central = CentralisedRun.Run(infrastructure, options);
        Table(output, dvms, central);
    }

    private static void RunGrains(DvmsBenchmarkOptions options, TextWriter output)
    {
        output.WriteLine($"Grains: {options.Nodes} node agents on libvirt test-driver hosts (32 CPUs, 256 GiB, vCPU overcommit 4) in {options.Sites} sites, "
            + $"one in-process silo each; {options.Vms} VMs of 1–8 vCPUs; random-walk demand; {options.Seconds:0} wall-clock s each, monitoring every "
            + $"{options.MonitorSeconds:0} s, central round every {options.CentralPeriodSeconds:0} s at the earliest, consolidation {(options.Consolidation ? "on" : "off")}, seed {options.Seed}");
        output.WriteLine();
        var (dvms, central) = GrainRun.RunAsync(options, Console.Error).GetAwaiter().GetResult();
        Table(output, dvms, central);
    }

    private static void Table(TextWriter output, SchedulerResult a, SchedulerResult b)
    {
        output.WriteLine($"| | {a.Name} | {b.Name} |");
        output.WriteLine("|---|---:|---:|");
        void Row(string label, Func<SchedulerResult, string> value) => output.WriteLine($"| {label} | {value(a)} | {value(b)} |");
        Row("events raised", r => $"{r.Events}");
        Row("resolved / unsolvable / still open at the end", r => $"{r.TimesToResolve.Count} / {r.Unsolvable} / {r.Unfinished}");
        Row("time to resolve, median (s)", r => Seconds(Percentiles.NearestRank(r.TimesToResolve, 0.5)));
        Row("time to resolve, p95 (s)", r => Seconds(Percentiles.NearestRank(r.TimesToResolve, 0.95)));
        Row("overloaded node-seconds (sampled each tick)", r => $"{r.Samples.OverloadedNodeSeconds:0}");
        Row("migrations", r => $"{r.Migrations}");
        Row("partition size, median / max (nodes)", r => $"{Percentiles.NearestRank(r.PartitionSizes.Select(s => (double)s), 0.5):0} / {(r.PartitionSizes.Count > 0 ? r.PartitionSizes.Max() : 0)}");
        Row("procedures at once, max", r => $"{r.MaxProcedures}");
        Row("plans refused when applied / invariant violations", r => $"{r.PlanConflicts} / {r.Violations}");
        Row("messages", r => r.Messages > 0 ? $"{r.Messages}" : "not counted");
        Row("IT power, mean (W)", r => $"{r.Samples.MeanItWatts:0}");
        Row("planner wall-clock time (s)", r => r.Solving > TimeSpan.Zero ? $"{r.Solving.TotalSeconds:0.0}" : "not measured");
        Row("run wall-clock time (s)", r => $"{r.Wall.TotalSeconds:0.0}");
    }

    private static string Seconds(double value) => double.IsNaN(value) ? "—" : value < 1 ? $"{value:0.000}" : $"{value:0.00}";
}
