namespace Discovery.Abstractions.VirtualMachines;

/// <summary>
/// Where a VM is in its life: Defined → Running ⇄ Suspended → Stopped, plus Migrating and Failed. Every transition is
/// done on the hypervisor first and recorded only once the hypervisor confirmed it.
/// </summary>
public enum VmState
{
    /// <summary>Not placed on any node yet.</summary>
    None,

    /// <summary>Defined on a node, never started (or undefined and re-defined).</summary>
    Defined,

    /// <summary>Running on its node.</summary>
    Running,

    /// <summary>Paused in memory on its node.</summary>
    Suspended,

    /// <summary>Shut down; still defined on its node.</summary>
    Stopped,

    /// <summary>Moving to another node.</summary>
    Migrating,

    /// <summary>Lost: its domain crashed or disappeared, or its node failed.</summary>
    Failed,
}
