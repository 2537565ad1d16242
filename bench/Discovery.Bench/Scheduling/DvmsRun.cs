using System.Diagnostics;
using Discovery.Scheduling.Procedures;

namespace Discovery.Bench.Scheduling;

/// <summary>
/// The library's discrete-event <see cref="Simulation"/> of DVMS with the workload attached, stopped at every
/// monitoring tick to sample the nodes. Its times are the simulation's clock: message latencies and timers count, the
/// planner's own computing time does not (it plans partitions of a few nodes).
/// </summary>
public static class DvmsRun
{
    public static SchedulerResult Run(SyntheticInfrastructure infrastructure, DvmsBenchmarkOptions options)
    {
        var result = new SchedulerResult("DVMS (library simulation)");
        var clock = Stopwatch.StartNew();
        var simulation = new Simulation(infrastructure.Nodes, infrastructure.Constraints, infrastructure.Neighbours,
            new SimulationOptions(Seed: options.Seed, LatencySeconds: options.LatencySeconds, JitterSeconds: options.LatencySeconds / 2, MaxSteps: int.MaxValue));
        simulation.AttachWorkload(Workloads.Demand(infrastructure, options), Workloads.Detector(options), options.MonitorSeconds);
        var ticks = (int)Math.Floor(options.Seconds / options.MonitorSeconds);
        for (var tick = 0; tick < ticks; tick++)
        {
            simulation.Run(until: tick * options.MonitorSeconds);
            result.Samples.Sample(simulation.Nodes.Values, options.MonitorSeconds);
        }
        var report = simulation.Run(until: ticks * options.MonitorSeconds);
        result.Wall = clock.Elapsed;

        result.Events = report.Events.Count;
        result.TimesToResolve.AddRange(report.Resolved.Select(e => e.TimeToEnd!.Value));
        result.Unsolvable = report.Unsolvable.Count();
        result.Unfinished = report.Unfinished.Count();
        result.Migrations = report.Migrations;
        result.PartitionSizes.AddRange(report.Events.Where(e => e.EndedAt is not null).Select(e => e.PartitionSize));
        result.MaxProcedures = report.MaxConcurrentProcedures;
        result.Messages = report.Messages;
        result.PlanConflicts = report.PlanConflicts;
        result.Violations = report.Violations.Count;
        return result;
    }
}
