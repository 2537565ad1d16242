using Discovery.Abstractions.Environments.Constraints;
using Discovery.Scheduling.Workload;

namespace Discovery.Scheduling.Nodes;

/// <summary>What a node can give its VMs: CPU in vCPU units and memory.</summary>
public readonly record struct NodeCapacity(double Cpus, long MemoryMiB)
{
    /// <summary>Whether <paramref name="load"/> fits.</summary>
    public bool Holds(VmLoad load) => load.Cpu <= Cpus + Epsilon && load.MemoryMiB <= MemoryMiB;

    /// <summary>Null when <paramref name="load"/> fits, else what is short, with figures.</summary>
    public string? Shortfall(VmLoad load) =>
        load.Cpu > Cpus + Epsilon ? $"{load.Cpu:0.##} vCPU of demand for {Cpus:0.##}"
        : load.MemoryMiB > MemoryMiB ? $"{load.MemoryMiB} MiB of demand for {MemoryMiB} MiB"
        : null;

    /// <summary>The larger of CPU and memory utilisation under <paramref name="load"/> (1 is full).</summary>
    public double Utilisation(VmLoad load) => Math.Max(CpuUtilisation(load), MemoryMiB > 0 ? (double)load.MemoryMiB / MemoryMiB : 0);

    /// <summary>CPU utilisation under <paramref name="load"/>, capped at 1.</summary>
    public double CpuUtilisation(VmLoad load) => Cpus > 0 ? Math.Min(1, load.Cpu / Cpus) : 0;

    // Demands are sums of fractional vCPUs: keep rounding from turning "exactly full" into "overloaded".
    private const double Epsilon = 1e-9;

    /// <inheritdoc />
    public override string ToString() => $"{Cpus:0.##} vCPU, {MemoryMiB} MiB";
}

/// <summary>A VM on a node and what it uses now.</summary>
public readonly record struct HostedVm(string Vm, VmLoad Demand);

/// <summary>A node as the scheduler sees it: where it is, its capacity and its VMs with their current demand.</summary>
public sealed record NodeState(PlacementHost Host, NodeCapacity Capacity, IReadOnlyList<HostedVm> Vms)
{
    /// <summary>The node id.</summary>
    public string Node => Host.Node;

    /// <summary>The sum of its VMs' demands.</summary>
    public VmLoad Load => Vms.Aggregate(VmLoad.None, (sum, vm) => sum + vm.Demand);

    /// <summary>Whether its VMs want more than it has.</summary>
    public bool IsOverloaded => !Capacity.Holds(Load);

    /// <summary>The same node with <paramref name="vms"/> instead.</summary>
    public NodeState With(IEnumerable<HostedVm> vms) => this with { Vms = vms.ToList() };

    /// <inheritdoc />
    public override string ToString() => $"{Node} ({Load} of {Capacity}, {Vms.Count} VMs)";
}
