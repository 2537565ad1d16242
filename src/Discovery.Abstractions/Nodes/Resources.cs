namespace Discovery.Abstractions.Nodes;

/// <summary>An amount of the resources VMs take from a node: vCPUs, memory and disk.</summary>
[GenerateSerializer, Immutable, Alias("discovery.resources")]
public readonly record struct Resources(
    [property: Id(0)] int Vcpus,
    [property: Id(1)] long MemoryMiB,
    [property: Id(2)] long DiskGiB)
{
    /// <summary>Nothing.</summary>
    public static Resources None => default;

    /// <summary>The sum of two amounts.</summary>
    public static Resources operator +(Resources a, Resources b) =>
        new(a.Vcpus + b.Vcpus, a.MemoryMiB + b.MemoryMiB, a.DiskGiB + b.DiskGiB);

    /// <summary>What is left of <paramref name="a"/> after <paramref name="b"/>.</summary>
    public static Resources operator -(Resources a, Resources b) =>
        new(a.Vcpus - b.Vcpus, a.MemoryMiB - b.MemoryMiB, a.DiskGiB - b.DiskGiB);

    /// <summary>Whether <paramref name="demand"/> fits in this amount.</summary>
    public bool Holds(Resources demand) =>
        demand.Vcpus <= Vcpus && demand.MemoryMiB <= MemoryMiB && demand.DiskGiB <= DiskGiB;

    /// <summary>Null when <paramref name="demand"/> fits in this free amount, else the first resource short, with figures.</summary>
    public string? Shortfall(Resources demand) =>
        demand.Vcpus > Vcpus ? $"needs {demand.Vcpus} vCPUs but only {Vcpus} are free"
        : demand.MemoryMiB > MemoryMiB ? $"needs {demand.MemoryMiB} MiB but only {MemoryMiB} MiB are free"
        : demand.DiskGiB > DiskGiB ? $"needs {demand.DiskGiB} GiB of disk but only {DiskGiB} GiB are free"
        : null;

    /// <inheritdoc />
    public override string ToString() => $"{Vcpus} vCPUs, {MemoryMiB} MiB, {DiskGiB} GiB";
}
