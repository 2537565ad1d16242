using Discovery.Abstractions.Environments.Constraints;
using Discovery.Placement;

namespace Discovery.Scheduling.Planning;

/// <summary>Whole-placement checks of bound constraints: each placed member against all the others.</summary>
public static class ConstraintChecks
{
    /// <summary>Null when every constraint holds with VMs where <paramref name="hostOf"/> says (null: not placed), else the first broken one's reason.</summary>
    public static string? FirstBroken(IEnumerable<BoundConstraint> constraints, Func<string, PlacementHost?> hostOf)
    {
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(hostOf);
        foreach (var bound in constraints)
        {
            var placed = bound.Members.Select(m => (Vm: m, Host: hostOf(m))).Where(p => p.Host is not null)
                .Select(p => new PlacedVm(p.Vm, p.Host!)).ToList();
            foreach (var vm in placed)
                if (bound.Constraint.Reject(vm.Host, placed.Where(p => p.Vm != vm.Vm).ToList()) is { } reason)
                    return $"{vm.Vm} on {vm.Host.Node}: {reason}";
        }
        return null;
    }
}
