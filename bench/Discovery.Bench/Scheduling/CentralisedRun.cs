using System.Diagnostics;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;
using Discovery.Scheduling.Procedures;

namespace Discovery.Bench.Scheduling;

/// <summary>
/// The centralised baseline on the same infrastructure and workload: nodes are observed at the same ticks, and every
/// <see cref="DvmsBenchmarkOptions.CentralPeriodSeconds"/> one scheduler handles the events raised since its last round
/// with <see cref="CentralisedScheduler"/> on the whole infrastructure, one event after the other. Solving takes real
/// time, measured with a stopwatch: an event counts as resolved when the round has started and solved it plus every
/// event before it, the round's migrations take effect at the first tick after the round has ended, and the next round
/// cannot start before then.
/// </summary>
public static class CentralisedRun
{
    public static SchedulerResult Run(SyntheticInfrastructure infrastructure, DvmsBenchmarkOptions options)
    {
        var result = new SchedulerResult("Centralised (same planner, whole infrastructure)");
        var clock = Stopwatch.StartNew();
        var world = infrastructure.Nodes.ToDictionary(n => n.Node);
        var order = infrastructure.Nodes.Select(n => n.Node).ToList();
        var demand = Workloads.Demand(infrastructure, options);
        var detector = Workloads.Detector(options);
        var scheduler = new CentralisedScheduler(new ReconfigurationPlanner(), detector);
        var pending = new List<(NodeEvent Event, double RaisedAt)>();
        (double At, List<Migration> Migrations)? inFlight = null;
        var nextRound = 0.0;
        var ticks = (int)Math.Floor(options.Seconds / options.MonitorSeconds);
        for (var tick = 0; tick < ticks; tick++)
        {
            var now = tick * options.MonitorSeconds;
            foreach (var id in order)
                world[id] = world[id].With(world[id].Vms.Select(v => v with { Demand = demand.DemandAt(v.Vm, now) }));
            if (inFlight is { } done && done.At <= now)
            {
                Move(world, done.Migrations);
                inFlight = null;
            }
            result.Samples.Sample(world.Values, options.MonitorSeconds);
            foreach (var id in order)
                if (detector.Observe(world[id], now) is { } raised)
                    pending.Add((raised, now));
            if (inFlight is not null || now < nextRound)
                continue;
            var solving = Round(infrastructure, scheduler, world, pending, now, result);
            inFlight = (now + solving.TotalSeconds, solving.Migrations);
            nextRound = Math.Max(now + options.CentralPeriodSeconds, now + solving.TotalSeconds);
        }
        result.Events = result.TimesToResolve.Count + result.Unsolvable + pending.Count;
        result.Unfinished = pending.Count;
        result.MaxProcedures = 1;
        result.Wall = clock.Elapsed;
        return result;
    }

    // One round: plans every pending event on a copy of the world as it is at the round's start, overloads first.
    private static (double TotalSeconds, List<Migration> Migrations) Round(SyntheticInfrastructure infrastructure, CentralisedScheduler scheduler,
        Dictionary<string, NodeState> world, List<(NodeEvent Event, double RaisedAt)> pending, double now, SchedulerResult result)
    {
        var snapshot = new Dictionary<string, NodeState>(world);
        var migrations = new List<Migration>();
        var stopwatch = Stopwatch.StartNew();
        // The scheduler collects every node's state each round, and sends one order per migration.
        result.Messages += world.Count;
        foreach (var (@event, raisedAt) in pending.OrderBy(p => p.Event.Kind).ThenBy(p => p.Event.Node, StringComparer.Ordinal))
        {
            // Nearest first from the event's node, as a DVMS partition grows, so both prefer the same targets.
            var nodes = infrastructure.Neighbours[@event.Node].Prepend(@event.Node).Select(n => snapshot[n]).ToList();
            var round = scheduler.Handle(nodes, infrastructure.Constraints, [@event]);
            result.PartitionSizes.Add(nodes.Count);
            if (round.Plans.Count == 0)
            {
                result.Unsolvable++;
                continue;
            }
            var plan = round.Plans[0].Plan;
            foreach (var node in round.Nodes.Where(n => plan.Migrations.Any(m => m.From == n.Node || m.To == n.Node)))
                snapshot[node.Node] = node;
            migrations.AddRange(plan.Migrations);
            result.Migrations += plan.Migrations.Count;
            result.Messages += plan.Migrations.Count;
            result.TimesToResolve.Add(now + stopwatch.Elapsed.TotalSeconds - raisedAt);
        }
        pending.Clear();
        result.Solving += stopwatch.Elapsed;
        return (stopwatch.Elapsed.TotalSeconds, migrations);
    }

    // The round's migrations on the world as it is when they take effect: the VMs keep their current demand.
    private static void Move(Dictionary<string, NodeState> world, List<Migration> migrations)
    {
        var touched = migrations.SelectMany(m => new[] { m.From, m.To }).Distinct().Select(n => world[n]).ToList();
        foreach (var node in CentralisedScheduler.Apply(touched, new ReconfigurationPlan(migrations)))
            world[node.Node] = node;
    }
}
