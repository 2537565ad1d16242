namespace Discovery.Scheduling.Workload;

/// <summary>What a VM uses at one moment: CPU in vCPU units (fractional) and memory.</summary>
/// <param name="Cpu">CPU demand in vCPUs, e.g. 1.5 for one and a half cores busy.</param>
/// <param name="MemoryMiB">Memory demand in MiB.</param>
public readonly record struct VmLoad(double Cpu, long MemoryMiB)
{
    /// <summary>No load.</summary>
    public static VmLoad None => default;

    /// <summary>The sum of two loads.</summary>
    public static VmLoad operator +(VmLoad a, VmLoad b) => new(a.Cpu + b.Cpu, a.MemoryMiB + b.MemoryMiB);

    /// <summary>What is left of <paramref name="a"/> without <paramref name="b"/>.</summary>
    public static VmLoad operator -(VmLoad a, VmLoad b) => new(a.Cpu - b.Cpu, a.MemoryMiB - b.MemoryMiB);

    /// <inheritdoc />
    public override string ToString() => $"{Cpu:0.##} vCPU, {MemoryMiB} MiB";
}
