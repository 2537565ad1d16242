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
}
