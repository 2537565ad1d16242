namespace Discovery.Abstractions.VirtualMachines;

/// <summary>The VM lifecycle's legal transitions, in one place.</summary>
public static class VmTransitions
{
    private static readonly Dictionary<VmOperation, VmState[]> From = new()
    {
        [VmOperation.Start] = [VmState.Defined, VmState.Stopped],
        [VmOperation.Suspend] = [VmState.Running],
        [VmOperation.Resume] = [VmState.Suspended],
        [VmOperation.Stop] = [VmState.Running, VmState.Suspended],
        [VmOperation.Migrate] = [VmState.Defined, VmState.Running, VmState.Suspended, VmState.Stopped],
        [VmOperation.Delete] = [VmState.Defined, VmState.Stopped, VmState.Failed],
    };

    /// <summary>The states <paramref name="operation"/> may start from.</summary>
    public static IReadOnlyList<VmState> AllowedFrom(VmOperation operation) => From[operation];

    /// <summary>Returns null when <paramref name="operation"/> is legal in <paramref name="state"/>, else why not.</summary>
    public static string? Refusal(VmOperation operation, VmState state) =>
        From[operation].Contains(state)
            ? null
            : $"cannot {operation.ToString().ToLowerInvariant()} a VM that is {state}; {operation.ToString().ToLowerInvariant()} needs {string.Join(" or ", From[operation])}";
}

/// <summary>The operations of the VM lifecycle.</summary>
public enum VmOperation
{
    /// <summary>Boot the VM.</summary>
    Start,

    /// <summary>Pause it in memory.</summary>
    Suspend,

    /// <summary>Continue a paused VM.</summary>
    Resume,

    /// <summary>Shut it down.</summary>
    Stop,

    /// <summary>Move it to another node.</summary>
    Migrate,

    /// <summary>Remove it from its node and forget it.</summary>
    Delete,
}
