using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;

namespace Discovery.Placement;

/// <summary>A VM to place and what it takes.</summary>
public readonly record struct VmDemand(string Vm, Resources Demand);

/// <summary>A constraint with the VM instances it applies to.</summary>
public sealed record BoundConstraint(PlacementConstraint Constraint, IReadOnlySet<string> Members);

/// <summary>A node that may take VMs: where it is, what it has free, and its estimated RTT to the requester.</summary>
public sealed record Candidate(PlacementHost Host, Resources Free, double RttMs);

/// <summary>
/// What the search must solve: VMs to place, the constraints of their VE, and where the VE's other VMs already are
/// (they stay, and constraints count them).
/// </summary>
public sealed record PlacementProblem(
    IReadOnlyList<VmDemand> Vms,
    IReadOnlyList<BoundConstraint> Constraints,
    IReadOnlyDictionary<string, PlacementHost> Fixed)
{
    /// <summary>
    /// The problem of placing <paramref name="moving"/> (every VM when null) of <paramref name="spec"/>, the others
    /// staying where <paramref name="current"/> says.
    /// </summary>
    public static PlacementProblem For(VeSpec spec, IReadOnlyDictionary<string, PlacementHost>? current = null, IReadOnlyCollection<string>? moving = null)
    {
        current ??= new Dictionary<string, PlacementHost>();
        var instances = spec.Instances();
        var vms = instances.Where(i => moving is null || moving.Contains(i.Vm))
            .Select(i => new VmDemand(i.Vm, i.Template.Demand)).ToList();
        var placing = vms.Select(v => v.Vm).ToHashSet();
        var fixedHosts = current.Where(c => !placing.Contains(c.Key)).ToDictionary();
        var constraints = spec.AllConstraints.Select(c => new BoundConstraint(c, spec.MembersOf(c).ToHashSet())).ToList();
        return new PlacementProblem(vms, constraints, fixedHosts);
    }
}
