namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>These VMs run on one site.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.site-gather")]
public sealed record SiteGather(IReadOnlyList<string> Vms) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed) =>
        placed.FirstOrDefault(p => p.Host.Site != candidate.Site) is { Vm: not null } other
            ? $"{this}: {other.Vm} is on site {other.Host.Site}"
            : null;
}
