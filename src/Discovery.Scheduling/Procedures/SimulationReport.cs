using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;

namespace Discovery.Scheduling.Procedures;

/// <summary>What became of one event.</summary>
/// <param name="Event">The event.</param>
/// <param name="RaisedAt">When it was raised.</param>
/// <param name="EndedAt">When its procedure ended; null if it never did.</param>
/// <param name="Resolved">Whether a plan handled it.</param>
/// <param name="Reason">Why it is unsolvable, when it is.</param>
/// <param name="PartitionSize">Nodes in the partition at the end.</param>
/// <param name="Migrations">Migrations of the applied plan.</param>
public sealed record EventRecord(NodeEvent Event, double RaisedAt, double? EndedAt = null, bool Resolved = false, string? Reason = null, int PartitionSize = 0, int Migrations = 0)
{
    /// <summary>How long the event took to end, or null.</summary>
    public double? TimeToEnd => EndedAt - RaisedAt;
}

/// <summary>An applied plan and the state of every node right after it.</summary>
public sealed record AppliedPlan(double At, PartitionId Partition, NodeEvent Event, ReconfigurationPlan Plan, IReadOnlyList<string> Members, IReadOnlyDictionary<string, NodeState> Nodes);

/// <summary>Counts of a simulation run.</summary>
/// <param name="Events">Every raised event and what became of it.</param>
/// <param name="Messages">Messages sent between nodes (timers not counted).</param>
/// <param name="Migrations">Migrations applied.</param>
/// <param name="MaxConcurrentProcedures">The most partitions alive at one moment.</param>
/// <param name="PlanConflicts">Plans refused when applied because the world had changed under them.</param>
/// <param name="Violations">Broken invariants (a node in two live partitions), with the time; empty when all is well.</param>
/// <param name="Steps">Messages and timers delivered.</param>
/// <param name="EndTime">Simulated time at the end.</param>
/// <param name="StoppedEarly">Whether the run hit <see cref="SimulationOptions.MaxSteps"/>.</param>
public sealed record SimulationReport(
    IReadOnlyList<EventRecord> Events,
    int Messages,
    int Migrations,
    int MaxConcurrentProcedures,
    int PlanConflicts,
    IReadOnlyList<string> Violations,
    int Steps,
    double EndTime,
    bool StoppedEarly)
{
    /// <summary>Events a plan handled.</summary>
    public IEnumerable<EventRecord> Resolved => Events.Where(e => e.Resolved);

    /// <summary>Events declared unsolvable.</summary>
    public IEnumerable<EventRecord> Unsolvable => Events.Where(e => e.EndedAt is not null && !e.Resolved);

    /// <summary>Events whose procedure never ended (a failed leader, or a run cut short).</summary>
    public IEnumerable<EventRecord> Unfinished => Events.Where(e => e.EndedAt is null);
}
