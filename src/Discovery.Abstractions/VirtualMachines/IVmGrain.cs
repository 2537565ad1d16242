using Orleans.Concurrency;

namespace Discovery.Abstractions.VirtualMachines;

/// <summary>
/// One VM, keyed by its <see cref="VmId"/>. It records where the VM runs and in which state, and asks the node
/// agents to do the work on their hypervisors. Illegal transitions fail with <see cref="VmTransitionException"/>.
/// </summary>
[Alias("discovery.vm")]
public interface IVmGrain : IGrainWithStringKey
{
    /// <summary>Defines the VM on <paramref name="node"/> (reserving its capacity there). Idempotent for the same spec and node.</summary>
    [Alias("define")]
    Task<VmInfo> DefineAsync(VmSpec spec, string node);

    /// <summary>Boots the VM.</summary>
    [Alias("start")]
    Task<VmInfo> StartAsync();

    /// <summary>Pauses the VM in memory.</summary>
    [Alias("suspend")]
    Task<VmInfo> SuspendAsync();

    /// <summary>Continues a paused VM.</summary>
    [Alias("resume")]
    Task<VmInfo> ResumeAsync();

    /// <summary>Shuts the VM down (<paramref name="force"/>: pull the plug instead of asking the guest).</summary>
    [Alias("stop")]
    Task<VmInfo> StopAsync(bool force = false);

    /// <summary>Moves the VM to <paramref name="targetNode"/>, live where both hypervisors can, otherwise cold.</summary>
    [Alias("migrate")]
    Task<VmInfo> MigrateAsync(string targetNode);

    /// <summary>Removes the VM from its node, releases its capacity and forgets it.</summary>
    [Alias("delete")]
    Task DeleteAsync();

    /// <summary>
    /// Where the VM is and in which state. Answered even while the VM grain waits on an operation: its node agent asks
    /// during reconciliation, and the VM's own operation may be waiting on that very agent.
    /// </summary>
    [Alias("info"), AlwaysInterleave]
    Task<VmInfo> GetInfoAsync();

    /// <summary>
    /// Sets the VM's CPU demand (vCPUs, at most its size) in place of the workload model's, e.g. to make its node
    /// overloaded on purpose; null returns it to the model.
    /// </summary>
    Task<VmInfo> SetCpuDemandAsync(double? vcpus);

    /// <summary>Called by a node agent when its hypervisor reports the VM lost (crashed, vanished, node failed).</summary>
    [Alias("report-failure")]
    Task ReportFailureAsync(string node, string reason);

    /// <summary>
    /// Called by a node agent whose hypervisor has the VM running where its record says suspended, or the other way
    /// round (an operation done on the hypervisor whose silo died before it was recorded): the VM asks the node again
    /// and records what the hypervisor reports.
    /// </summary>
    [Alias("reconcile-state")]
    Task ReconcileStateAsync(string node);
}
