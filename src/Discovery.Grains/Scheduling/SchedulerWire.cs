using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Procedures;
using Discovery.Scheduling.Workload;

namespace Discovery.Grains.Scheduling;

// The DVMS messages as they travel between scheduler grains. The library's messages are plain records with no Orleans
// attributes (algorithms stay free of the runtime); these mirror them field for field. A joining node's snapshot
// travels without its constraints: the leader reads those from the VEs itself (SnapshotReader).

/// <summary>A partition's identity on the wire.</summary>
[GenerateSerializer, Immutable, Alias("discovery.dvms.partition")]
public sealed record WirePartition([property: Id(0)] double Since, [property: Id(1)] string Leader, [property: Id(2)] int Serial, [property: Id(3)] int Attempt)
{
    public PartitionId ToDvms() => new(Since, Leader, Serial, Attempt);
    public static WirePartition Of(PartitionId p) => new(p.Since, p.Leader, p.Serial, p.Attempt);
}

/// <summary>A VM and its demand on the wire.</summary>
[GenerateSerializer, Immutable, Alias("discovery.dvms.vm")]
public sealed record WireVm([property: Id(0)] string Vm, [property: Id(1)] double Cpu, [property: Id(2)] long MemoryMiB);

/// <summary>A node's state on the wire: capacity and VMs with their demand.</summary>
[GenerateSerializer, Immutable, Alias("discovery.dvms.node")]
public sealed record WireNode(
    [property: Id(0)] string Node,
    [property: Id(1)] string Site,
    [property: Id(2)] string? Region,
    [property: Id(3)] double Cpus,
    [property: Id(4)] long MemoryMiB,
    [property: Id(5)] IReadOnlyList<WireVm> Vms)
{
    public NodeState ToDvms() => new(new(Node, Site, Region), new NodeCapacity(Cpus, MemoryMiB), Vms.Select(v => new HostedVm(v.Vm, new VmLoad(v.Cpu, v.MemoryMiB))).ToList());
    public static WireNode Of(NodeState n) => new(n.Node, n.Host.Site, n.Host.Region, n.Capacity.Cpus, n.Capacity.MemoryMiB, n.Vms.Select(v => new WireVm(v.Vm, v.Demand.Cpu, v.Demand.MemoryMiB)).ToList());
}

/// <summary>One DVMS message on the wire; <see cref="Kind"/> says which, the other fields carry what it needs.</summary>
[GenerateSerializer, Immutable, Alias("discovery.dvms.message")]
public sealed record WireMessage(
    [property: Id(0)] string Kind,
    [property: Id(1)] string From,
    [property: Id(2)] WirePartition? Partition = null,
    [property: Id(3)] WirePartition? Other = null,
    [property: Id(4)] WireNode? Node = null,
    [property: Id(5)] string? Text = null,
    [property: Id(6)] int Number = 0,
    [property: Id(7)] bool Flag = false,
    [property: Id(8)] NodeEventKind? EventKind = null)
{
    /// <summary>The wire form of a message between nodes (timers and local events never travel).</summary>
    public static WireMessage Of(DvmsMessage message) => message switch
    {
        JoinRequest m => new(nameof(JoinRequest), m.From, WirePartition.Of(m.Partition)),
        JoinAccepted m => new(nameof(JoinAccepted), m.From, WirePartition.Of(m.Partition), Node: WireNode.Of(m.Snapshot.Node)),
        JoinRefused m => new(nameof(JoinRefused), m.From, WirePartition.Of(m.Partition), WirePartition.Of(m.HeldBy)),
        YieldRequest m => new(nameof(YieldRequest), m.From, WirePartition.Of(m.Requester), WirePartition.Of(m.Target)),
        YieldReply m => new(nameof(YieldReply), m.From, WirePartition.Of(m.Requester), WirePartition.Of(m.Target), Flag: m.Yielded),
        Release m => new(nameof(Release), m.From, WirePartition.Of(m.Partition)),
        KeepAlive m => new(nameof(KeepAlive), m.From, WirePartition.Of(m.Partition)),
        _ => throw new ArgumentException($"{message.GetType().Name} does not travel between nodes", nameof(message)),
    };

    /// <summary>
    /// The library's message; <paramref name="snapshot"/> completes a <see cref="JoinAccepted"/> (the leader builds it
    /// from <see cref="Node"/> and the VEs).
    /// </summary>
    public DvmsMessage ToDvms(NodeSnapshot? snapshot = null) => Kind switch
    {
        nameof(JoinRequest) => new JoinRequest(From, Partition!.ToDvms()),
        nameof(JoinAccepted) => new JoinAccepted(From, Partition!.ToDvms(), snapshot ?? throw new ArgumentNullException(nameof(snapshot), "a join needs the node's snapshot")),
        nameof(JoinRefused) => new JoinRefused(From, Partition!.ToDvms(), Other!.ToDvms()),
        nameof(YieldRequest) => new YieldRequest(From, Partition!.ToDvms(), Other!.ToDvms()),
        nameof(YieldReply) => new YieldReply(From, Partition!.ToDvms(), Other!.ToDvms(), Flag),
        nameof(Release) => new Release(From, Partition!.ToDvms()),
        nameof(KeepAlive) => new KeepAlive(From, Partition!.ToDvms()),
        _ => throw new ArgumentException($"unknown DVMS message '{Kind}'"),
    };
}
