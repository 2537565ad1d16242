namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>At most <paramref name="Max"/> of these VMs on any one site.</summary>
/// <param name="Vms">The VMs it applies to; empty for all.</param>
/// <param name="Max">The most of them one site may run.</param>
[GenerateSerializer, Immutable, Alias("discovery.constraint.max-per-site")]
public sealed record MaxPerSite(IReadOnlyList<string> Vms, [property: Id(0)] int Max) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    protected override string Arguments => $"; max {Max}";

    /// <inheritdoc />
    public override string? ValidateArguments() => Max < 1 ? $"MaxPerSite needs max of at least 1 (got {Max})" : null;

    /// <inheritdoc />
    public override string? ConflictWith(PlacementConstraint other, IReadOnlyCollection<string> shared) =>
        other is Gather or SiteGather && shared.Count > Max
            ? $"{this} and {other}: {shared.Count} VMs ({string.Join(", ", shared)}) cannot share one site"
            : null;

    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed) =>
        placed.Count(p => p.Host.Site == candidate.Site) >= Max ? $"{this}: site {candidate.Site} already runs {Max} of them" : null;
}
