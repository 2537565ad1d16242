namespace Discovery.Grains.Hypervisors;

/// <summary>How node agents use their hypervisors (section <c>Discovery:Hypervisor</c>).</summary>
public sealed class HypervisorOptions
{
    /// <summary>
    /// Where this silo keeps the libvirt test hosts it creates for nodes without a libvirt URI, and the state files of
    /// cold migrations. Null (the default): a directory of its own under the system's temporary directory, removed
    /// when the silo stops.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>How often each node agent compares its records with what its hypervisor reports.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reconciliations in a row that cannot reach a node's hypervisor before the node is declared lost (Down) and its
    /// protected VMs restart elsewhere: one failed check may be a hiccup, and restarting a VM that still runs would
    /// make two copies until the node returns and fences its own.
    /// </summary>
    public int FailedChecksBeforeLost { get; set; } = 3;
}
