using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Abstractions.Environments;

/// <summary>A VE as it is now.</summary>
/// <param name="Id">The VE id.</param>
/// <param name="Status">Where it is in its lifecycle.</param>
/// <param name="Spec">Its spec, or null when it was never configured.</param>
/// <param name="Requester">Where it was placed close to (a site or node), once deployed.</param>
/// <param name="Vms">Every VM, placed or not.</param>
[GenerateSerializer, Immutable, Alias("discovery.ve-info")]
public sealed record VeInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] VeStatus Status,
    [property: Id(2)] VeSpec? Spec,
    [property: Id(3)] string? Requester,
    [property: Id(4)] IReadOnlyList<VmPlacement> Vms)
{
    /// <summary>The VM called <paramref name="vm"/>.</summary>
    public VmPlacement Vm(string vm) => Vms.FirstOrDefault(v => v.Vm == vm) ?? throw new KeyNotFoundException($"VE {Id} has no VM '{vm}'");
}

/// <summary>One VM of a VE: where it runs and how far it is from the requester.</summary>
/// <param name="Vm">The VM's name in the VE (e.g. <c>web-1</c>).</param>
/// <param name="Node">Its node, once placed.</param>
/// <param name="Site">Its site, once placed.</param>
/// <param name="State">Its lifecycle state.</param>
/// <param name="RttMs">Estimated round-trip time from the requester to its node, in ms.</param>
[GenerateSerializer, Immutable, Alias("discovery.vm-placement")]
public sealed record VmPlacement(
    [property: Id(0)] string Vm,
    [property: Id(1)] string? Node,
    [property: Id(2)] string? Site,
    [property: Id(3)] VmState State,
    [property: Id(4)] double? RttMs);

/// <summary>Where a VE is in its lifecycle.</summary>
public enum VeStatus
{
    /// <summary>Never configured.</summary>
    None,

    /// <summary>Configured; nothing placed.</summary>
    Configured,

    /// <summary>Every VM runs.</summary>
    Running,

    /// <summary>Every VM is paused.</summary>
    Suspended,

    /// <summary>Every VM is stopped but keeps its node.</summary>
    Stopped,

    /// <summary>Some VM failed; the others keep running.</summary>
    Degraded,
}

/// <summary>Progress of a long VE operation, published on the VE's stream.</summary>
/// <param name="Ve">The VE id.</param>
/// <param name="At">When (UTC).</param>
/// <param name="Operation">The operation, e.g. deploy.</param>
/// <param name="Done">Steps done.</param>
/// <param name="Total">Steps in all.</param>
/// <param name="Message">What just happened.</param>
[GenerateSerializer, Immutable, Alias("discovery.ve-progress")]
public sealed record VeProgress(
    [property: Id(0)] string Ve,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Operation,
    [property: Id(3)] int Done,
    [property: Id(4)] int Total,
    [property: Id(5)] string Message);

/// <summary>A VE spec that cannot be used; the message lists every problem, naming the VM and the constraint.</summary>
[GenerateSerializer, Alias("discovery.invalid-ve-spec")]
public sealed class InvalidVeSpecException(string message) : ArgumentException(message);

/// <summary>No placement satisfies the VE; the message says which VM could not go anywhere and why.</summary>
[GenerateSerializer, Alias("discovery.placement-failed")]
public sealed class PlacementFailedException(string message) : InvalidOperationException(message);

/// <summary>The operation does not fit the VE's state, or a request id was reused for another operation.</summary>
[GenerateSerializer, Alias("discovery.ve-operation")]
public sealed class VeOperationException(string message) : InvalidOperationException(message);
