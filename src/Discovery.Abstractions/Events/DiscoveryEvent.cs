namespace Discovery.Abstractions.Events;

/// <summary>
/// Something that happened in the infrastructure, published on the site's events stream
/// (<see cref="DiscoveryStreams"/>). Subscribers switch on the concrete type.
/// </summary>
/// <param name="Site">The site it happened on.</param>
/// <param name="At">When it happened (UTC).</param>
[GenerateSerializer, Immutable, Alias("discovery.event")]
public abstract record DiscoveryEvent([property: Id(0)] string Site, [property: Id(1)] DateTimeOffset At);

/// <summary>A node registered and is up.</summary>
[GenerateSerializer, Immutable, Alias("discovery.event.node-joined")]
public sealed record NodeJoined(string Site, DateTimeOffset At, [property: Id(0)] string Node) : DiscoveryEvent(Site, At);

/// <summary>A node left the infrastructure on purpose.</summary>
[GenerateSerializer, Immutable, Alias("discovery.event.node-left")]
public sealed record NodeLeft(string Site, DateTimeOffset At, [property: Id(0)] string Node) : DiscoveryEvent(Site, At);

/// <summary>A node's agent cannot be reached: its silo died, or its hypervisor stopped answering.</summary>
[GenerateSerializer, Immutable, Alias("discovery.event.node-unreachable")]
public sealed record NodeUnreachable(string Site, DateTimeOffset At, [property: Id(0)] string Node, [property: Id(1)] string Reason) : DiscoveryEvent(Site, At);

/// <summary>
/// The nodes of a site — each node's nearest neighbours — changed because <paramref name="Cause"/> joined, left or
/// became unreachable. <paramref name="Nodes"/> is the site's reachable nodes after the change.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.event.neighbours")]
public sealed record NeighboursChanged(string Site, DateTimeOffset At, [property: Id(0)] string Cause, [property: Id(1)] IReadOnlyList<string> Nodes) : DiscoveryEvent(Site, At);

/// <summary>A node's network coordinate moved noticeably (the console's map redraws it).</summary>
[GenerateSerializer, Immutable, Alias("discovery.event.coordinate")]
public sealed record CoordinateChanged(string Site, DateTimeOffset At, [property: Id(0)] string Node, [property: Id(1)] Coordinates.NodeCoordinate Coordinate) : DiscoveryEvent(Site, At);

/// <summary>A node's status changed (e.g. up → maintenance).</summary>
[GenerateSerializer, Immutable, Alias("discovery.event.node-status")]
public sealed record NodeStatusChanged(string Site, DateTimeOffset At, [property: Id(0)] string Node, [property: Id(1)] Nodes.NodeStatus Status) : DiscoveryEvent(Site, At);

/// <summary>A VM changed state on a node.</summary>
[GenerateSerializer, Immutable, Alias("discovery.event.vm-state")]
public sealed record VmStateChanged(
    string Site,
    DateTimeOffset At,
    [property: Id(0)] string Vm,
    [property: Id(1)] string? Node,
    [property: Id(2)] VirtualMachines.VmState From,
    [property: Id(3)] VirtualMachines.VmState To,
    [property: Id(4)] string? Detail = null) : DiscoveryEvent(Site, At);

/// <summary>A drain of a node made progress: <paramref name="Done"/> of <paramref name="Total"/> VMs handled.</summary>
[GenerateSerializer, Immutable, Alias("discovery.event.drain-progress")]
public sealed record NodeDrainProgress(
    string Site,
    DateTimeOffset At,
    [property: Id(0)] string Node,
    [property: Id(1)] int Done,
    [property: Id(2)] int Total,
    [property: Id(3)] string Message) : DiscoveryEvent(Site, At);

/// <summary>
/// A scheduling procedure of node <paramref name="Node"/> (its leader) changed: <paramref name="Step"/> is
/// <c>started</c>, <c>resolved</c> or <c>unsolvable</c>; <paramref name="Detail"/> says what and why.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.event.scheduling")]
public sealed record SchedulingStepped(
    string Site,
    DateTimeOffset At,
    [property: Id(0)] string Node,
    [property: Id(1)] string Step,
    [property: Id(2)] int PartitionSize,
    [property: Id(3)] int Migrations,
    [property: Id(4)] string Detail) : DiscoveryEvent(Site, At);

/// <summary>
/// A node found a VM it still held recorded on another node (restarted there while this one was lost) and destroyed
/// its stale copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.event.vm-fenced")]
public sealed record VmFenced(
    string Site,
    DateTimeOffset At,
    [property: Id(0)] string Vm,
    [property: Id(1)] string Node,
    [property: Id(2)] string Owner) : DiscoveryEvent(Site, At);
