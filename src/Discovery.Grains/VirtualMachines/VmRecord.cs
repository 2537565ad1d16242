using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Grains.VirtualMachines;

/// <summary>The durable record of a VM.</summary>
[GenerateSerializer, Alias("discovery.vm-record")]
public sealed class VmRecord
{
    /// <summary>Its resource needs; null before it is defined.</summary>
    [Id(0)] public VmSpec? Spec { get; set; }

    /// <summary>Its lifecycle state.</summary>
    [Id(1)] public VmState State { get; set; } = VmState.None;

    /// <summary>The node it is on.</summary>
    [Id(2)] public string? Node { get; set; }

    /// <summary>How it last moved.</summary>
    [Id(3)] public MigrationKind? LastMigration { get; set; }

    /// <summary>Why it failed.</summary>
    [Id(4)] public string? Failure { get; set; }

    /// <summary>The CPU demand an operator set (vCPUs), which replaces the workload model's; null when none.</summary>
    [Id(5)] public double? CpuDemand { get; set; }

    /// <summary>
    /// Bumped each time the VM is started again on another node after losing its own: a node that comes back with
    /// an older copy finds the record elsewhere and destroys its copy instead of resuming it.
    /// </summary>
    [Id(6)] public long Generation { get; set; }

    /// <summary>
    /// The node a migration in flight goes to, written with the Migrating state before anything moves. A record still
    /// Migrating when no migration runs (the VM's silo died half-way) is settled from it: see VmGrain.
    /// </summary>
    [Id(7)] public string? MigratingTo { get; set; }

    /// <summary>
    /// A restart defined the VM on its new node and has yet to start it. Written with that Defined state, so that a
    /// restart interrupted there (its silo died, the node went away) and tried again starts the VM, rather than take
    /// Defined for a VM the tenant had stopped (found by the chaos suite: a protected VM left Defined for good).
    /// </summary>
    [Id(8)] public bool StartPending { get; set; }

    /// <summary>The latest snapshot of the VM (a restart elsewhere starts from it rather than from the image); null: none.</summary>
    [Id(9)] public VmSnapshot? Snapshot { get; set; }

    /// <summary>The snapshot this generation was restored from; null when it started from its image.</summary>
    [Id(10)] public string? RestoredFrom { get; set; }

    /// <summary>The node holding a standby reservation of the VM (ha: replica), on another site; null: none.</summary>
    [Id(11)] public string? Standby { get; set; }

    /// <summary>Protected by its VE (ha: restart or replica): a watcher on the site of its node watches it there.</summary>
    [Id(12)] public bool Protected { get; set; }
}

/// <summary>A snapshot of a VM, kept as an image of its tenant.</summary>
/// <param name="Image">The image holding the saved state.</param>
/// <param name="TakenAt">When it was taken.</param>
/// <param name="Generation">The VM's generation then.</param>
[GenerateSerializer, Immutable, Alias("discovery.vm-snapshot")]
public sealed record VmSnapshot([property: Id(0)] string Image, [property: Id(1)] DateTimeOffset TakenAt, [property: Id(2)] long Generation);
