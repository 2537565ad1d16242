namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>These VMs never migrate once placed: relocation and rescheduling leave them where they are.</summary>
[GenerateSerializer, Immutable, Alias("discovery.constraint.root")]
public sealed record Root(IReadOnlyList<string> Vms) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed) => null;

    /// <inheritdoc />
    public override string? RefuseMove(string vm) => $"{this}: {vm} never migrates";
}
