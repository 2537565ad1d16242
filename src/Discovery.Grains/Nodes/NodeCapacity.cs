using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Grains.Nodes;

/// <summary>Capacity accounting of one node: what is reserved, and whether one more VM fits.</summary>
public static class NodeCapacity
{
    /// <summary>The resources reserved by <paramref name="vms"/>.</summary>
    public static Resources Allocated(IEnumerable<VmSpec> vms) =>
        vms.Aggregate(Resources.None, (sum, vm) => sum + vm.Demand);

    /// <summary>Returns null when <paramref name="candidate"/> fits beside <paramref name="admitted"/>, else the figures that refuse it.</summary>
    public static string? Refusal(NodeSpec node, IEnumerable<VmSpec> admitted, VmSpec candidate)
    {
        var free = node.Capacity - Allocated(admitted);
        return free.Shortfall(candidate.Demand) is { } shortfall ? $"{shortfall} (capacity {node.Capacity})" : null;
    }
}
