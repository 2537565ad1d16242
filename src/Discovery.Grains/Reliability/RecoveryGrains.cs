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

    /// <summary>
    /// Marks the VM protected (ha: restart or replica): from now on the watcher of the node it is on watches it, for
    /// its generation there. Idempotent; called again, it tells that watcher again (a one-way message may be lost).
    /// </summary>
    Task<VmInfo> ProtectAsync();
}

/// <summary>
/// Watches one protected VM on one node (silo-internal; keyed <c>node|vm</c>, see <see cref="VmWatcherKeys"/>, and
/// placed on a silo of the node's site): asks the node's agent about the VM's domain, and when the node is lost to it
/// (domain crashed or gone, agent not answering, its silo declared dead, node declared lost) reports the VM failed,
/// which restarts or promotes it once per generation. The VM tells its watchers where it is, one-way, so that it
/// never waits on them while they wait on it.
/// </summary>
public interface IVmWatcherGrain : IGrainWithStringKey
{
    /// <summary>Watches generation <paramref name="generation"/> of the VM on the key's node (an older one is ignored).</summary>
    [OneWay]
    Task WatchAsync(long generation);

    /// <summary>
    /// Stops watching, unless it watches a newer generation than <paramref name="generation"/> since, or the VM's record
    /// still has the VM on the key's node (a stop that came late, from an earlier stay there).
    /// </summary>
    [OneWay]
    Task StopAsync(long generation);

    /// <summary>What it watches; null when it watches nothing.</summary>
    [AlwaysInterleave]
    Task<VmWatchInfo?> GetWatchAsync();
}

/// <summary>What a watcher watches.</summary>
/// <param name="Node">The node it watches the VM on.</param>
/// <param name="Vm">The VM's id.</param>
/// <param name="Generation">The VM's generation it watches.</param>
/// <param name="Since">Since when it watches that generation.</param>
/// <param name="LastReport">When and why it last reported the VM lost; null: never.</param>
[GenerateSerializer, Immutable, Alias("discovery.vm-watch-info")]
public sealed record VmWatchInfo(
    [property: Id(0)] string Node,
    [property: Id(1)] string Vm,
    [property: Id(2)] long Generation,
    [property: Id(3)] DateTimeOffset Since,
    [property: Id(4)] string? LastReport);

/// <summary>The key of the watcher of a VM on a node: <c>node|vm</c>, so that its site is the node's.</summary>
public static class VmWatcherKeys
{
    /// <summary>The key of the watcher of <paramref name="vm"/> on <paramref name="node"/>.</summary>
    public static string Of(string node, string vm) => $"{node}|{vm}";

    /// <summary>The node and the VM of a watcher's key.</summary>
    public static (string Node, string Vm) Parse(string key)
    {
        var bar = key.IndexOf('|');
        if (bar <= 0 || bar == key.Length - 1)
            throw new ArgumentException($"a watcher's key is 'node|vm', not '{key}'", nameof(key));
        return (key[..bar], key[(bar + 1)..]);
    }
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
