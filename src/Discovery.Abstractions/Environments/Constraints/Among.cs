namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>These VMs all run within one of the groups (each a list of nodes, sites or regions), whichever it is.</summary>
/// <param name="Vms">The VMs it applies to; empty for all.</param>
/// <param name="Groups">The groups of locations.</param>
[GenerateSerializer, Immutable, Alias("discovery.constraint.among")]
public sealed record Among(IReadOnlyList<string> Vms, [property: Id(0)] IReadOnlyList<IReadOnlyList<string>> Groups) : PlacementConstraint(Vms)
{
    /// <inheritdoc />
    protected override string Arguments => $"; one of {string.Join(" | ", (Groups ?? []).Select(g => string.Join(", ", g ?? [])))}";

    /// <inheritdoc />
    public override IEnumerable<string> Locations => (Groups ?? []).SelectMany(g => g ?? []);

    /// <inheritdoc />
    public override string? ValidateArguments() =>
        Groups is not { Count: > 0 } ? "Among needs at least one group in 'groups'"
        : Groups.Select(g => RequireLocations(g, Kind)).FirstOrDefault(p => p is not null);

    /// <inheritdoc />
    public override string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed)
    {
        var hosts = placed.Select(p => p.Host).Append(candidate).ToList();
        if (Groups.Any(group => hosts.All(h => h.IsInAny(group))))
            return null;
        return placed.Count == 0
            ? $"{this}: {candidate.Node} is in no group"
            : $"{this}: no group holds {candidate.Node} with {string.Join(", ", placed.Select(p => $"{p.Vm} on {p.Host.Node}"))}";
    }
}
