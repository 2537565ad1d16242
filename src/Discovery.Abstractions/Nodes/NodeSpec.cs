namespace Discovery.Abstractions.Nodes;

/// <summary>How an operator describes a node when registering it.</summary>
/// <param name="Cpus">Physical CPUs (hardware threads) the node offers to VMs.</param>
/// <param name="MemoryMiB">Memory the node offers to VMs, in MiB.</param>
/// <param name="LibvirtUri">
/// The node's hypervisor, e.g. <c>qemu+ssh://root@host/system</c> or <c>qemu:///system</c> on the silo's own machine.
/// Null: an in-process libvirt test host sized <paramref name="Cpus"/> × <paramref name="MemoryMiB"/> (the embedded
/// default and the tests).
/// </param>
/// <param name="CpuOvercommit">How many vCPUs may be admitted per CPU (1 = no overcommit).</param>
/// <param name="DiskGiB">Disk space the node offers to VM disks, in GiB.</param>
[GenerateSerializer, Immutable, Alias("discovery.node-spec")]
public sealed record NodeSpec(
    [property: Id(0)] int Cpus,
    [property: Id(1)] long MemoryMiB,
    [property: Id(2)] string? LibvirtUri = null,
    [property: Id(3)] double CpuOvercommit = 1.0,
    [property: Id(4)] long DiskGiB = NodeSpec.DefaultDiskGiB)
{
    /// <summary>The disk a node offers when its description does not say.</summary>
    public const long DefaultDiskGiB = 1024;

    /// <summary>The most vCPUs the node admits.</summary>
    public int VcpuCapacity => (int)Math.Floor(Cpus * CpuOvercommit);

    /// <summary>Everything the node can give to VMs, overcommit included.</summary>
    public Resources Capacity => new(VcpuCapacity, MemoryMiB, DiskGiB);

    /// <summary>Returns null when the spec is usable, otherwise what is wrong with it.</summary>
    public string? Validate() =>
        Cpus < 1 ? $"a node needs at least 1 CPU (got {Cpus})"
        : MemoryMiB < 1 ? $"a node needs at least 1 MiB of memory (got {MemoryMiB})"
        : DiskGiB < 0 ? $"a node's disk cannot be negative (got {DiskGiB} GiB)"
        : CpuOvercommit is < 1.0 or > 16.0 || double.IsNaN(CpuOvercommit) ? $"cpu overcommit must be between 1 and 16 (got {CpuOvercommit})"
        : LibvirtUri is { } uri && !Uri.TryCreate(uri, UriKind.Absolute, out _) ? $"libvirt URI '{uri}' is not a URI, e.g. qemu:///system"
        : null;
}
