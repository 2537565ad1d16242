namespace Discovery.Abstractions.VirtualMachines;

/// <summary>What a VM grain knows of its VM.</summary>
/// <param name="Id">The VM's id.</param>
/// <param name="Spec">Its resource needs; null before it is defined.</param>
/// <param name="State">Its lifecycle state.</param>
/// <param name="Node">The node it is on (<c>site/name</c>), or null.</param>
/// <param name="LastMigration">How its last migration was done, if it ever moved.</param>
/// <param name="Failure">Why it failed, when <paramref name="State"/> is <see cref="VmState.Failed"/>.</param>
/// <param name="CpuDemand">The CPU demand an operator set in place of the workload model, or null.</param>
/// <param name="Generation">How many times it was started again elsewhere after losing its node.</param>
/// <param name="SnapshotAt">When its latest snapshot was taken (a restart elsewhere starts from it), or null.</param>
/// <param name="RestoredFrom">The snapshot image this generation was restored from; null when it started from its image.</param>
/// <param name="Standby">The node keeping a standby of it (ha: replica), on another site; null: none.</param>
[GenerateSerializer, Immutable, Alias("discovery.vm-info")]
public sealed record VmInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] VmSpec? Spec,
    [property: Id(2)] VmState State,
    [property: Id(3)] string? Node,
    [property: Id(4)] MigrationKind? LastMigration,
    [property: Id(5)] string? Failure,
    [property: Id(6)] double? CpuDemand = null,
    [property: Id(7)] long Generation = 0,
    [property: Id(8)] DateTimeOffset? SnapshotAt = null,
    [property: Id(9)] string? RestoredFrom = null,
    [property: Id(10)] string? Standby = null);

/// <summary>How a VM was moved between nodes.</summary>
public enum MigrationKind
{
    /// <summary>Hypervisor-to-hypervisor migration while the VM runs.</summary>
    Live,

    /// <summary>Saved on the source, its state moved, restored on the target (for hypervisors without migration, such as libvirt's test driver).</summary>
    Cold,
}
