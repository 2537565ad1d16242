namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>These VMs run on distinct sites.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.site-spread")]
public sealed record SiteSpread(IReadOnlyList<string> Vms) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    public override string? ConflictWith(PlacementConstraint other, IReadOnlyCollection<string> shared) =>
        other is SiteGather or Gather && shared.Count >= 2
            ? $"{this} and {other} both hold {string.Join(", ", shared)}: they cannot be together and on distinct sites"
            : null;

    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed) =>
        placed.FirstOrDefault(p => p.Host.Site == candidate.Site) is { Vm: not null } other
            ? $"{this}: {other.Vm} is already on site {candidate.Site}"
            : null;
}
