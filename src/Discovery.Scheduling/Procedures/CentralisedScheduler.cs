using Discovery.Abstractions.Environments.Constraints;
using Discovery.Placement;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;

namespace Discovery.Scheduling.Procedures;

/// <summary>What one round of the centralised scheduler did.</summary>
/// <param name="Nodes">The nodes after the round's plans.</param>
/// <param name="Plans">The plan applied for each handled event, in order.</param>
/// <param name="Unsolvable">Events without a plan, with the reason.</param>
/// <param name="Steps">Search steps the round took (its cost).</param>
public sealed record CentralisedRound(IReadOnlyList<NodeState> Nodes, IReadOnlyList<(NodeEvent Event, ReconfigurationPlan Plan)> Plans, IReadOnlyList<(NodeEvent Event, string Reason)> Unsolvable, int Steps);

/// <summary>
/// The baseline DVMS is compared with (Entropy's centralised loop): periodically, one scheduler sees every node and
/// runs the same planner on the whole infrastructure for each event — overloads first, then consolidations — applying
/// each plan before the next event is planned.
/// </summary>
public sealed class CentralisedScheduler(ReconfigurationPlanner planner, OverloadDetector detector)
{
    /// <summary>One period: detect the events of <paramref name="nodes"/> at <paramref name="timeSeconds"/> and handle them all.</summary>
    /// <param name="nodes">Every node, nearest-first order not mattering beyond tie-breaks.</param>
    /// <param name="constraints">Every VE's constraints.</param>
    /// <param name="timeSeconds">The time of the round, for the detector's sustain period.</param>
    public CentralisedRound Round(IReadOnlyList<NodeState> nodes, IReadOnlyList<BoundConstraint> constraints, double timeSeconds)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(constraints);
        var events = nodes.Select(n => detector.Observe(n, timeSeconds)).OfType<NodeEvent>()
            .OrderBy(e => e.Kind).ThenBy(e => e.Node, StringComparer.Ordinal).ToList();
        return Handle(nodes, constraints, events);
    }

    /// <summary>Handles <paramref name="events"/> on the whole of <paramref name="nodes"/>, one plan after the other.</summary>
    public CentralisedRound Handle(IReadOnlyList<NodeState> nodes, IReadOnlyList<BoundConstraint> constraints, IReadOnlyList<NodeEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var current = nodes.ToList();
        var plans = new List<(NodeEvent, ReconfigurationPlan)>();
        var unsolvable = new List<(NodeEvent, string)>();
        var steps = 0;
        foreach (var @event in events)
        {
            var outcome = planner.Plan(new PartitionProblem(current, constraints, new Dictionary<string, PlacementHost>(), @event));
            steps += outcome.Steps;
            if (outcome.Plan is not { } plan)
            {
                unsolvable.Add((@event, outcome.Failure!));
                detector.Reset(@event.Node);
                continue;
            }
            current = Apply(current, plan);
            plans.Add((@event, plan));
        }
        return new CentralisedRound(current, plans, unsolvable, steps);
    }

    /// <summary><paramref name="nodes"/> after <paramref name="plan"/>'s migrations.</summary>
    public static List<NodeState> Apply(IReadOnlyList<NodeState> nodes, ReconfigurationPlan plan)
    {
        var byId = nodes.ToDictionary(n => n.Node, n => n.Vms.ToList());
        foreach (var migration in plan.Migrations)
        {
            var vm = byId[migration.From].Single(v => v.Vm == migration.Vm);
            byId[migration.From].Remove(vm);
            byId[migration.To].Add(vm);
        }
        return nodes.Select(n => n.With(byId[n.Node])).ToList();
    }
}
