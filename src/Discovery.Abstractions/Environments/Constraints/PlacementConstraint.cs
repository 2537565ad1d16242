namespace Discovery.Abstractions.Environments.Constraints;

/// <summary>
/// A placement constraint of a VE, in the vocabulary of BtrPlace where it fits. Each kind is one small record in its
/// own file: it validates its arguments, names the constraints it contradicts, and says why a candidate host would
/// break it. <see cref="Vms"/> names VMs of the VE (a template name stands for all its replicas); empty means all.
/// </summary>
/// <param name="Vms">The VMs it applies to; empty for every VM of the VE.</param>
[GenerateSerializer, Immutable, Alias("discovery.constraint")]
public abstract record PlacementConstraint([property: Id(0)] IReadOnlyList<string> Vms)
{
    /// <summary>The constraint's kind: its type name, as written in spec files.</summary>
    public string Kind => GetType().Name;

    /// <summary>Null when the constraint's own arguments make sense, else what is wrong.</summary>
    public virtual string? ValidateArguments() => null;

    /// <summary>
    /// Null when this constraint and <paramref name="other"/> can hold together on the VMs they <paramref name="shared"/>,
    /// else why not. Every pair is asked both ways, so a new constraint states its conflicts in its own file.
    /// </summary>
    public virtual string? ConflictWith(PlacementConstraint other, IReadOnlyCollection<string> shared) => null;

    /// <summary>
    /// Null when a VM of this constraint may go on <paramref name="candidate"/>, given where the constraint's other VMs
    /// already are (<paramref name="placed"/>); else the reason, naming what is in the way.
    /// </summary>
    public abstract string? Reject(PlacementHost candidate, IReadOnlyList<PlacedVm> placed);

    /// <summary>The nodes, sites and regions the constraint names, if any: hosts it names are not interchangeable.</summary>
    public virtual IEnumerable<string> Locations => [];

    /// <summary>Null when VM <paramref name="vm"/> may move once placed, else why not.</summary>
    public virtual string? RefuseMove(string vm) => null;

    /// <summary>The arguments beyond the VMs, for messages, e.g. ", max 2".</summary>
    protected virtual string Arguments => "";

    /// <summary>Written as in spec files and messages: <c>Spread(web, db)</c>.</summary>
    public sealed override string ToString() => $"{Kind}({(Vms.Count == 0 ? "all" : string.Join(", ", Vms))}{Arguments})";

    /// <summary>Whether <paramref name="where"/> lists no location, for argument checks.</summary>
    protected static string? RequireLocations(IReadOnlyList<string>? where, string kind) =>
        where is not { Count: > 0 } ? $"{kind} needs at least one site, node or region in 'where'"
        : where.FirstOrDefault(string.IsNullOrWhiteSpace) is not null ? $"{kind} has an empty location in 'where'"
        : where.FirstOrDefault(l => !IsLocationName(l)) is { } bad
            ? $"{kind}: '{bad}' cannot name a site, region or node (letters, digits, '-', '_', '.' and '/', at most 128 characters)"
        : null;

    // Sites, regions and node ids ("site/node") are all made of these.
    private static bool IsLocationName(string location) =>
        location.Length <= 128 && location.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/');
}

/// <summary>
/// A node a VM is on or may go to, with its site and region. A location in a constraint (<c>where</c>) matches it by
/// node id (<c>lyon/node-3</c>), site (<c>lyon</c>) or region (<c>fr-south</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.placement-host")]
public sealed record PlacementHost([property: Id(0)] string Node, [property: Id(1)] string Site, [property: Id(2)] string? Region = null)
{
    /// <summary>Whether <paramref name="location"/> names this node, its site or its region.</summary>
    public bool IsIn(string location) => location == Node || location == Site || (Region is not null && location == Region);

    /// <summary>Whether any of <paramref name="locations"/> names this host.</summary>
    public bool IsInAny(IEnumerable<string> locations) => locations.Any(IsIn);

    /// <inheritdoc />
    public override string ToString() => Node;
}

/// <summary>A VM of a VE and the host it is on (or is planned on).</summary>
public readonly record struct PlacedVm(string Vm, PlacementHost Host);
