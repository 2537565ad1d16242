namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>These VMs run on distinct nodes.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.spread")]
public sealed record Spread(IReadOnlyList<string> Vms) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    public override string? ConflictWith(PlacementConstraint other, IReadOnlyCollection<string> shared) =>
        other is Gather && shared.Count >= 2
            ? $"{this} and {other} both hold {string.Join(", ", shared)}: they cannot share one node and be on distinct nodes"
            : null;

    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed) =>
        placed.FirstOrDefault(p => p.Host.Node == candidate.Node) is { Vm: not null } other
            ? $"{this}: {other.Vm} is already on {candidate.Node}"
            : null;
}
