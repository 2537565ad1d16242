using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Grains.Nodes;

/// <summary>Capacity accounting of one node: what is reserved, and whether one more VM fits.</summary>
public static class NodeCapacity
{
    /// <summary>vCPUs and memory reserved by <paramref name="vms"/>.</summary>
    public static (int Vcpus, long MemoryMiB) Allocated(IEnumerable<VmSpec> vms) =>
        vms.Aggregate((0, 0L), (sum, vm) => (sum.Item1 + vm.Vcpus, sum.Item2 + vm.MemoryMiB));

    /// <summary>Returns null when <paramref name="candidate"/> fits beside <paramref name="admitted"/>, else the figures that refuse it.</summary>
    public static string? Refusal(NodeSpec node, IEnumerable<VmSpec> admitted, VmSpec candidate)
    {
        var (vcpus, memory) = Allocated(admitted);
        if (vcpus + candidate.Vcpus > node.VcpuCapacity)
            return $"needs {candidate.Vcpus} vCPUs but only {node.VcpuCapacity - vcpus} of {node.VcpuCapacity} are free";
        if (memory + candidate.MemoryMiB > node.MemoryMiB)
            return $"needs {candidate.MemoryMiB} MiB but only {node.MemoryMiB - memory} of {node.MemoryMiB} MiB are free";
        return null;
    }
}
