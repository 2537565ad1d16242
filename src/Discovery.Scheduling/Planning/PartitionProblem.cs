using Discovery.Abstractions.Environments.Constraints;
using Discovery.Placement;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Workload;

namespace Discovery.Scheduling.Planning;

/// <summary>
/// What a partition's leader asks the planner: the partition's nodes (in order of preference as targets, nearest
/// first), the constraints of every VE with a VM in the partition, where the VEs' VMs outside the partition are (they
/// stay, and constraints count them), and the event to handle.
/// </summary>
public sealed record PartitionProblem(
    IReadOnlyList<NodeState> Nodes,
    IReadOnlyList<BoundConstraint> Constraints,
    IReadOnlyDictionary<string, PlacementHost> Outside,
    NodeEvent Event);

/// <summary>One live migration.</summary>
public sealed record Migration(string Vm, string From, string To, VmLoad Demand)
{
    /// <inheritdoc />
    public override string ToString() => $"{Vm}: {From} → {To}";
}

/// <summary>Migrations in the order they must run so that no target is ever above its capacity.</summary>
public sealed record ReconfigurationPlan(IReadOnlyList<Migration> Migrations)
{
    /// <summary>The plan that changes nothing.</summary>
    public static ReconfigurationPlan Empty { get; } = new([]);

    /// <inheritdoc />
    public override string ToString() => Migrations.Count == 0 ? "no migration" : string.Join("; ", Migrations);
}

/// <summary>The planner's answer: a plan, or why this partition has none.</summary>
/// <param name="Plan">The plan, or null.</param>
/// <param name="Failure">Why there is no plan, naming the VMs and what stops each; null on success.</param>
/// <param name="Steps">How many (VM, target) moves the search tried.</param>
/// <param name="GaveUp">Whether the search hit its step budget (a bigger budget might find a plan).</param>
public sealed record PlanOutcome(ReconfigurationPlan? Plan, string? Failure, int Steps, bool GaveUp = false)
{
    /// <summary>Whether there is a plan.</summary>
    public bool Succeeded => Plan is not null;
}
