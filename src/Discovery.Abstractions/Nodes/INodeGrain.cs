using Discovery.Abstractions.Images;
using Orleans.Concurrency;
using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Abstractions.Nodes;

/// <summary>
/// The agent of one physical node, keyed by its <see cref="NodeId"/> (<c>site/name</c>). It always runs on a silo
/// of the node's own site, drives the node's hypervisor through libvirt, and accounts its capacity: it never admits
/// VMs beyond the node's CPUs (times the overcommit ratio) and memory.
/// </summary>
[Alias("discovery.node")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Registers (or updates) the node's description and brings it up; idempotent.</summary>
    [Alias("register")]
    Task<NodeInfo> RegisterAsync(NodeSpec spec);

    /// <summary>
    /// Returns what the node knows about itself, including the silo that hosts its agent. It never waits for the
    /// agent's current operation (a read must not deadlock with a site registry that asks while the agent reports).
    /// </summary>
    [Alias("info"), AlwaysInterleave]
    Task<NodeInfo> GetInfoAsync();

    /// <summary>Puts the node in maintenance (no new VMs) or back up.</summary>
    [Alias("set-status")]
    Task<NodeInfo> SetStatusAsync(NodeStatus status);

    /// <summary>Removes a node with no VMs from the infrastructure.</summary>
    [Alias("leave")]
    Task LeaveAsync();

    /// <summary>
    /// Reserves capacity for <paramref name="vm"/> and, when <paramref name="defineDomain"/>, defines its domain (a VM
    /// arriving by migration is reserved only: the migration brings its domain). Idempotent for the same VM and spec;
    /// throws <see cref="InsufficientCapacityException"/> when the node is full and <see cref="VmTransitionException"/>
    /// when the node is not up.
    /// </summary>
    [Alias("admit")]
    Task AdmitAsync(string vm, VmSpec spec, bool defineDomain = true);

    /// <summary>Starts, suspends, resumes or stops the VM's domain and returns the state the hypervisor reports after.</summary>
    [Alias("operate")]
    Task<VmState> OperateAsync(string vm, VmOperation operation, bool force = false);

    /// <summary>Undefines the VM's domain (destroying it if it runs) and releases its capacity; idempotent.</summary>
    [Alias("evict")]
    Task EvictAsync(string vm);

    /// <summary>
    /// For a cold migration: saves the VM's running state, removes its domain, and hands over what the target needs
    /// to restore it. The capacity stays reserved until <see cref="EvictAsync"/> so a failed move can come back.
    /// </summary>
    [Alias("export")]
    Task<VmTransfer> ExportAsync(string vm);

    /// <summary>Restores (or, if it was not running, defines) a VM exported by another node, after <see cref="AdmitAsync"/> reserved it.</summary>
    [Alias("import")]
    Task<VmState> ImportAsync(string vm, VmTransfer transfer);

    /// <summary>
    /// Snapshots VM <paramref name="vm"/>, running or asleep here: libvirt saves its memory and device state (the VM
    /// pauses meanwhile) and it goes on as it was; the saved state is stored as image <paramref name="image"/> of
    /// <paramref name="owner"/>, in content-defined chunks replicated to other sites like any image.
    /// </summary>
    [Alias("snapshot")]
    Task<ImageDetails> SnapshotAsync(string vm, string image, string owner);

    /// <summary>
    /// Starts VM <paramref name="vm"/>, admitted here and not running, from the snapshot kept as image
    /// <paramref name="image"/> (pulled to this site from the nearest replicas); returns the state it is in after.
    /// </summary>
    [Alias("restore-snapshot")]
    Task<VmState> RestoreSnapshotAsync(string vm, string image);

    /// <summary>Live-migrates the VM to the node with hypervisor <paramref name="targetUri"/>, when both hypervisors support it.</summary>
    [Alias("migrate-live")]
    Task<bool> TryMigrateLiveAsync(string vm, string targetUri);

    /// <summary>
    /// Compares the node's records with what the hypervisor reports and reports lost VMs; returns how many. A
    /// hypervisor unreachable for <c>FailedChecksBeforeLost</c> checks in a row loses the whole node (Down): its
    /// protected VMs restart elsewhere.
    /// </summary>
    [Alias("reconcile")]
    Task<int> ReconcileAsync();

    /// <summary>
    /// Fails the node on purpose, for demonstrations and drills: powers off its in-process test host (its domains are
    /// gone) and declares the node lost, so its protected VMs restart elsewhere. Refused for a real hypervisor.
    /// </summary>
    [Alias("fail")]
    Task FailAsync();

    /// <summary>
    /// Every domain the node's hypervisor holds, in the state the hypervisor reports: what an audit compares with the
    /// records (the chaos suite's checker asserts that no VM runs on two hypervisors).
    /// </summary>
    [Alias("domains")]
    Task<IReadOnlyList<HypervisorDomain>> GetDomainsAsync();
}

/// <summary>One domain as a node's hypervisor reports it.</summary>
/// <param name="Name">The domain's name (a VM's <see cref="VmId.DomainName"/> when the node agent defined it).</param>
/// <param name="State">Its state, in VM terms.</param>
[GenerateSerializer, Immutable, Alias("discovery.hypervisor-domain")]
public sealed record HypervisorDomain([property: Id(0)] string Name, [property: Id(1)] VmState State);

/// <summary>What a cold migration carries from the source node to the target node.</summary>
/// <param name="SavedState">The hypervisor's saved state of the domain, or null when it was not running.</param>
/// <param name="DomainXml">The domain's definition.</param>
/// <param name="WasState">The VM's state on the source when it was exported.</param>
[GenerateSerializer, Immutable, Alias("discovery.vm-transfer")]
public sealed record VmTransfer(
    [property: Id(0)] byte[]? SavedState,
    [property: Id(1)] string DomainXml,
    [property: Id(2)] VmState WasState);
