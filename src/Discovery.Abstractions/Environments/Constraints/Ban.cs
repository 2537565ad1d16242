namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>These VMs never run on the listed nodes, sites or regions.</summary>
/// <param name="Vms">The VMs it applies to; empty for all.</param>
/// <param name="Where">Node ids, sites or regions to keep away from.</param>
[GenerateSerializer, Immutable, Alias("discovery.constraint.ban")]
public sealed record Ban(IReadOnlyList<string> Vms, [property: Id(0)] IReadOnlyList<string> Where) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    protected override string Arguments => $"; not {string.Join(", ", Where ?? [])}";

    /// <inheritdoc />
    public override IEnumerable<string> Locations => Where ?? [];

    /// <inheritdoc />
    public override string? ValidateArguments() => RequireLocations(Where, Kind);

    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed) =>
        candidate.IsInAny(Where) ? $"{this}: excludes {candidate.Node}" : null;
}
