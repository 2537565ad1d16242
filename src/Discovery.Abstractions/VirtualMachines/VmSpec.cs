using Discovery.Abstractions.Nodes;

namespace Discovery.Abstractions.VirtualMachines;

/// <summary>What a VM needs from the node it runs on.</summary>
/// <param name="Vcpus">Virtual CPUs.</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
/// <param name="Image">The disk image's name, or null for a diskless VM.</param>
/// <param name="Network">The network (libvirt network or bridge) its interface joins, or null for none.</param>
/// <param name="DiskGiB">Disk space its disks take on the node, in GiB.</param>
[GenerateSerializer, Immutable, Alias("discovery.vm-spec")]
public sealed record VmSpec(
    [property: Id(0)] int Vcpus,
    [property: Id(1)] long MemoryMiB,
    [property: Id(2)] string? Image = null,
    [property: Id(3)] string? Network = null,
    [property: Id(4)] long DiskGiB = 0)
{
    /// <summary>What the VM takes from its node.</summary>
    public Resources Demand => new(Vcpus, MemoryMiB, DiskGiB);

    /// <summary>The largest VM accepted, far above any node: a guard against typos and hostile input, not a policy.</summary>
    public const int MaxVcpus = 1024;

    /// <summary>The largest memory accepted (64 TiB), for the same reason.</summary>
    public const long MaxMemoryMiB = 64L * 1024 * 1024;

    /// <summary>Returns null when the spec is usable, otherwise what is wrong with it.</summary>
    public string? Validate() =>
        Vcpus is < 1 or > MaxVcpus ? $"vcpus must be between 1 and {MaxVcpus} (got {Vcpus})"
        : MemoryMiB is < 1 or > MaxMemoryMiB ? $"memory must be between 1 MiB and {MaxMemoryMiB} MiB (got {MemoryMiB})"
        : DiskGiB is < 0 ? $"disk cannot be negative (got {DiskGiB} GiB)"
        : Image is not null && Images.ImageName.Validate(Image) is { } badImage ? badImage
        : null;
}
