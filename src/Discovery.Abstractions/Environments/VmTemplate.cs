using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Abstractions.Environments;

/// <summary>One kind of VM in a VE: its needs, and how many replicas of it to run.</summary>
/// <param name="Name">The VM's name in the VE; replicas are <c>name-1</c> … <c>name-N</c> when <paramref name="Count"/> is above 1.</param>
/// <param name="Vcpus">Virtual CPUs per replica.</param>
/// <param name="MemoryMiB">Memory per replica, in MiB.</param>
/// <param name="DiskGiB">Disk per replica, in GiB.</param>
/// <param name="Image">The image it boots, by name; null for a diskless VM.</param>
/// <param name="Count">How many replicas.</param>
/// <param name="Ha">What happens to a replica when its node is lost.</param>
[GenerateSerializer, Immutable, Alias("discovery.vm-template")]
public sealed record VmTemplate(
    [property: Id(0)] string Name,
    [property: Id(1)] int Vcpus,
    [property: Id(2)] long MemoryMiB,
    [property: Id(3)] long DiskGiB = 0,
    [property: Id(4)] string? Image = null,
    [property: Id(5)] int Count = 1,
    [property: Id(6)] HaMode Ha = HaMode.None)
{
    /// <summary>The most replicas of one template.</summary>
    public const int MaxCount = 1000;

    /// <summary>The spec each replica gets.</summary>
    public VmSpec Spec => new(Vcpus, MemoryMiB, Image, DiskGiB: DiskGiB);

    /// <summary>What one replica takes from its node.</summary>
    public Resources Demand => Spec.Demand;

    /// <summary>The instance names: the name itself, or name-1 … name-N.</summary>
    public IReadOnlyList<string> Instances =>
        Count == 1 ? [Name] : Enumerable.Range(1, Count).Select(i => $"{Name}-{i}").ToList();

    /// <summary>Null when usable, otherwise what is wrong, naming the VM.</summary>
    public string? Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Contains('/') || VmId.Validate(Name) is not null)
            return $"VM name '{Name}' must be letters, digits, '-' and '_'";
        if (Count is < 1 or > MaxCount)
            return $"VM '{Name}': count must be between 1 and {MaxCount} (got {Count})";
        return Spec.Validate() is { } problem ? $"VM '{Name}': {problem}" : null;
    }
}
