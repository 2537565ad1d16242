using Discovery.Abstractions.Environments.Constraints;

namespace Discovery.Placement.Policies;

/// <summary>
/// The policy clauses the placement search can honour by itself, as constraints, so a search looks past forbidden
/// sites instead of proposing them to the decision point (which still checks every result).
/// </summary>
public static class PolicySteering
{
    /// <summary>A <see cref="Fence"/> per allow-sites clause and a <see cref="Ban"/> per forbid-sites clause, over every VM.</summary>
    public static IReadOnlyList<PlacementConstraint> Constraints(IEnumerable<AttachedPolicy> policies) =>
        policies.SelectMany(p => p.Policy.Clauses).Select(c => c switch
        {
            AllowSites a => new Fence([], a.Places),
            ForbidSites f => (PlacementConstraint)new Ban([], f.Places),
            _ => null,
        }).OfType<PlacementConstraint>().ToList();
}
