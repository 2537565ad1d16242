namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>These VMs run on one node.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.gather")]
public sealed record Gather(IReadOnlyList<string> Vms) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed) =>
        placed.FirstOrDefault(p => p.Host.Node != candidate.Node) is { Vm: not null } other
            ? $"{this}: {other.Vm} is on {other.Host.Node}"
            : null;
}
