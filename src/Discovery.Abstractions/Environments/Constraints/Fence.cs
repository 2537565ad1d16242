namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>These VMs run only on the listed nodes, sites or regions — a jurisdiction, for example.</summary>
/// <param name="Vms">The VMs it applies to; empty for all.</param>
/// <param name="Where">Node ids, sites or regions allowed.</param>
[GenerateSerializer, Immutable, Alias("discovery.constraint.fence")]
public sealed record Fence(IReadOnlyList<string> Vms, [property: Id(0)] IReadOnlyList<string> Where) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    protected override string Arguments => $"; only {string.Join(", ", Where ?? [])}";

    /// <inheritdoc />
    public override IEnumerable<string> Locations => Where ?? [];

    /// <inheritdoc />
    public override string? ValidateArguments() => RequireLocations(Where, Kind);

    /// <inheritdoc />
    public override string? ConflictWith(PlacementConstraint other, IReadOnlyCollection<string> shared) =>
        other is Ban ban && shared.Count > 0 && Where.All(ban.Where.Contains)
            ? $"{this} and {other} leave {string.Join(", ", shared)} nowhere to run"
            : null;

    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed) =>
        candidate.IsInAny(Where) ? null : $"{this}: excludes {candidate.Node}";
}
