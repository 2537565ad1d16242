namespace Discovery.Abstractions.Environments;

/// <summary>What happens to a VM when its node is lost (its agent's silo declared dead).</summary>
public enum HaMode
{
    /// <summary>The VM is marked failed; the tenant decides.</summary>
    None,

    /// <summary>
    /// The VM is started again on another node that satisfies every constraint of its VE, nearest its VE's requester
    /// first, from its latest snapshot (<see cref="VeSpec.SnapshotEveryMinutes"/>) or else from its image; when no
    /// node fits, it waits for capacity and is tried again.
    /// </summary>
    Restart,

    /// <summary>
    /// As <see cref="Restart"/>, with a standby kept ready on a node of another site (which does not fail with the
    /// primary's): its capacity reserved there and each snapshot's chunks copied to that site as they are taken. When
    /// the primary's node is lost the standby is promoted: the VM starts there from its latest snapshot, and a new
    /// standby is chosen. Needs <see cref="VeSpec.SnapshotEveryMinutes"/>.
    /// </summary>
    Replica,
}

/// <summary>What the HA modes have in common.</summary>
public static class HaModes
{
    /// <summary>Whether a VM of this mode is started again when its node is lost (restart or replica).</summary>
    public static bool IsProtected(this HaMode mode) => mode is HaMode.Restart or HaMode.Replica;
}
