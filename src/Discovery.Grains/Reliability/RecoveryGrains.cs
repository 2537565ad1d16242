using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Grains.Reliability;

/// <summary>A VE's side of recovery (silo-internal): what to do with its VMs when nodes are lost.</summary>
public interface IVeRecoveryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Restarts the VE's protected VMs that were on <paramref name="lostNodes"/> elsewhere and marks the others failed;
    /// returns how many VMs were on those nodes.
    /// </summary>
    Task<int> RecoverAsync(IReadOnlyList<string> lostNodes, string reason);
}

/// <summary>A VM's side of recovery (silo-internal).</summary>
public interface IVmRecoveryGrain : IGrainWithStringKey
{
    /// <summary>Defines the VM on <paramref name="node"/> from its spec and image and starts it, as a new generation.</summary>
    Task<VmInfo> RestartOnAsync(string node, string reason);
}
