using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Environments;
using Discovery.Placement;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Procedures;
using Discovery.Scheduling.Workload;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Scheduling;

/// <summary>
/// Reads what the scheduler needs from the grains: a node's VMs with their demand, and the constraints of their VEs
/// bound to full VM ids (<c>tenant/ve/vm</c>) with where every VM of those VEs is.
/// </summary>
public sealed class SnapshotReader(LatencyEstimator latency, IOptions<SchedulerOptions> options)
{
    private readonly Dictionary<string, (RandomWalkDemand Demand, double Start)> _walks = [];
    private readonly Lock _walksLock = new();

    /// <summary>Seconds on the common clock every scheduler uses (partitions are ordered by when their event came).</summary>
    public static double Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>The node's state as its agent and its VMs report it now.</summary>
    public async Task<NodeState> NodeAsync(IGrainFactory grains, string node, double now)
    {
        var info = await grains.GetGrain<INodeGrain>(node).GetInfoAsync();
        var vms = await Task.WhenAll((info.Vms ?? []).Select(vm => grains.GetGrain<IVmGrain>(vm).GetInfoAsync()));
        var spec = info.Spec ?? new NodeSpec(0, 0);
        var hosted = vms.Where(v => v.Spec is not null).Select(v => new HostedVm(v.Id, Demand(v, now))).ToList();
        return new NodeState(Host(node), new NodeCapacity(spec.Cpus, spec.MemoryMiB), hosted);
    }

    /// <summary>The snapshot a node gives its partition's leader: its state, its VMs' constraints, where their VEs' VMs are.</summary>
    public async Task<NodeSnapshot> SnapshotAsync(IGrainFactory grains, NodeState node)
    {
        var constraints = new List<BoundConstraint>();
        var hosts = new Dictionary<string, PlacementHost>(StringComparer.Ordinal);
        foreach (var ve in node.Vms.Select(v => VeOf(v.Vm)).OfType<string>().Distinct())
        {
            var info = await grains.GetGrain<IVeGrain>(ve).LocateAsync();
            if (info.Spec is not { } spec)
                continue;
            foreach (var constraint in spec.AllConstraints)
                constraints.Add(new BoundConstraint(constraint, spec.MembersOf(constraint).Select(m => $"{ve}/{m}").ToHashSet()));
            foreach (var vm in info.Vms.Where(v => v.Node is not null))
                hosts[$"{ve}/{vm.Vm}"] = Host(vm.Node!);
        }
        return new NodeSnapshot(node, constraints, hosts);
    }

    /// <summary>The VE a VM belongs to (<c>tenant/ve</c>), or null for a VM outside any VE.</summary>
    public static string? VeOf(string vm) => VmId.Parse(vm).Ve;

    private PlacementHost Host(string node)
    {
        var id = NodeId.Parse(node);
        return new PlacementHost(id.ToString(), id.Site, latency.RegionOf(id.Site));
    }

    // What an operator set, else the workload model's; memory is the VM's size (guests rarely give memory back).
    private VmLoad Demand(VmInfo vm, double now)
    {
        var spec = vm.Spec!;
        if (vm.State is not (VmState.Running or VmState.Migrating))
            return new VmLoad(0, spec.MemoryMiB);
        if (vm.CpuDemand is { } set)
            return new VmLoad(set, spec.MemoryMiB);
        if (options.Value.Workload == WorkloadModel.OperatorOnly)
            return new VmLoad(0, spec.MemoryMiB);
        // Each VM's walk starts when this silo first samples it: the walk keeps every step since its start, so its
        // clock must not be the Unix epoch's.
        lock (_walksLock)
        {
            if (!_walks.TryGetValue(vm.Id, out var walk))
                _walks[vm.Id] = walk = (new RandomWalkDemand(options.Value.RandomWalk, new Dictionary<string, VmSize> { [vm.Id] = new(spec.Vcpus, spec.MemoryMiB) }), now);
            return walk.Demand.DemandAt(vm.Id, Math.Max(0, now - walk.Start));
        }
    }
}
