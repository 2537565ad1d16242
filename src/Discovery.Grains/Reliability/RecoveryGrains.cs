using Discovery.Abstractions.VirtualMachines;
using Orleans.Concurrency;

namespace Discovery.Grains.Reliability;

/// <summary>A VE's side of recovery (silo-internal): what to do with its VMs when nodes are lost.</summary>
public interface IVeRecoveryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Restarts the VE's protected VMs that were on <paramref name="lostNodes"/> elsewhere and marks the others failed;
    /// returns how many VMs were on those nodes.
    /// </summary>
    Task<int> RecoverAsync(IReadOnlyList<string> lostNodes, string reason);

    /// <summary>
    /// VM <paramref name="vm"/> (its name in the VE) failed on <paramref name="node"/>, which lives on: its domain
    /// crashed or disappeared. A protected VM restarts (elsewhere if placement says so); others stay failed. One-way:
    /// the VM tells it while the VE may be waiting on that VM.
    /// </summary>
    [OneWay]
    Task VmFailedAsync(string vm, string node, string reason);
}

/// <summary>A VM's side of recovery (silo-internal).</summary>
public interface IVmRecoveryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Defines the VM on <paramref name="node"/> from its spec and image and starts it, from its latest snapshot if it
    /// has one (from its image if that fails), as a new generation.
    /// </summary>
    Task<VmInfo> RestartOnAsync(string node, string reason);

    /// <summary>
    /// Snapshots the VM where it runs (or sleeps) and keeps the snapshot as an image of its tenant, replacing the
    /// previous one; a VM that neither runs nor sleeps is left as it is.
    /// </summary>
    Task<VmInfo> SnapshotAsync();

    /// <summary>
    /// Keeps the VM's standby (ha: replica) on <paramref name="node"/>: capacity reserved there, the latest snapshot's
    /// chunks copied to its site; the previous standby, if another, is released. Null releases the standby.
    /// </summary>
    Task<VmInfo> KeepStandbyOnAsync(string? node);
}

/// <summary>
/// A site's side of recovery (silo-internal, implemented by the site grain): lost nodes are written down before anyone
/// acts on them, and stay until their VEs have all been recovered, whoever noticed the loss and whatever dies meanwhile.
/// </summary>
public interface ISiteRecoveryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records that <paramref name="nodes"/> (full ids) are lost, under <paramref name="cause"/> (a dead silo, a node),
    /// and starts recovering their VMs; a cause already recorded is not recorded again.
    /// </summary>
    Task RecoverLostNodesAsync(string cause, IReadOnlyList<string> nodes, string reason);

    /// <summary>Every VE with a VM on the cause's nodes was recovered: the record goes.</summary>
    Task RecoveryDoneAsync(string cause);

    /// <summary>The causes whose recovery has not finished yet, with their nodes.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetPendingRecoveriesAsync();
}

/// <summary>Walks every VE for one recorded loss (silo-internal; keyed <c>site|cause</c>) and tells the site when done.</summary>
public interface INodeLossRecoveryGrain : IGrainWithStringKey
{
    /// <summary>Recovers the VMs of <paramref name="nodes"/>; a call while a walk runs returns at once.</summary>
    [AlwaysInterleave, OneWay]
    Task RunAsync(IReadOnlyList<string> nodes, string reason);
}
