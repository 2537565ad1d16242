using Discovery.Abstractions.Environments.Constraints;
using Discovery.Placement;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;

namespace Discovery.Scheduling.Procedures;

/// <summary>
/// A partition's identity. <see cref="Since"/>, <see cref="Leader"/> and <see cref="Serial"/> name the event's
/// procedure and give its priority (older first), kept across retries so a procedure that had to give way is not
/// starved; <see cref="Attempt"/> tells retries apart so a late message of an earlier attempt is ignored.
/// </summary>
public readonly record struct PartitionId(double Since, string Leader, int Serial, int Attempt)
{
    /// <summary>Whether this partition goes before <paramref name="other"/> when they want the same node: the older one does.</summary>
    public bool HasPriorityOver(PartitionId other)
    {
        var bySince = Since.CompareTo(other.Since);
        if (bySince != 0)
            return bySince < 0;
        var byLeader = string.CompareOrdinal(Leader, other.Leader);
        return byLeader != 0 ? byLeader < 0 : Serial < other.Serial;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Leader}#{Serial}.{Attempt}";
}

/// <summary>What a node tells the leader when it joins: its state, its VMs' constraints and where their VEs' VMs are.</summary>
/// <param name="Node">The node, its capacity and its VMs with their demand.</param>
/// <param name="Constraints">The constraints of every VE with a VM on the node, bound to VM names.</param>
/// <param name="VeHosts">Where every VM of those VEs is, on this node or elsewhere.</param>
public sealed record NodeSnapshot(NodeState Node, IReadOnlyList<BoundConstraint> Constraints, IReadOnlyDictionary<string, PlacementHost> VeHosts);

/// <summary>A message between nodes, or from a node to itself (events, timers, the result of a plan).</summary>
public abstract record DvmsMessage(string From);

/// <summary>The local detector saw an event on this node.</summary>
public sealed record EventRaised(string From, NodeEvent Event) : DvmsMessage(From);

/// <summary>A leader asks a node to join its partition.</summary>
public sealed record JoinRequest(string From, PartitionId Partition) : DvmsMessage(From);

/// <summary>The node joined; here is its state.</summary>
public sealed record JoinAccepted(string From, PartitionId Partition, NodeSnapshot Snapshot) : DvmsMessage(From);

/// <summary>The node is held by another partition.</summary>
public sealed record JoinRefused(string From, PartitionId Partition, PartitionId HeldBy) : DvmsMessage(From);

/// <summary>An older partition asks a younger one's leader to give its nodes back.</summary>
public sealed record YieldRequest(string From, PartitionId Requester, PartitionId Target) : DvmsMessage(From);

/// <summary>The younger partition dissolved (or was already gone), or is applying a plan and keeps its nodes a little longer.</summary>
public sealed record YieldReply(string From, PartitionId Requester, PartitionId Target, bool Yielded) : DvmsMessage(From);

/// <summary>The partition is over: the node is free.</summary>
public sealed record Release(string From, PartitionId Partition) : DvmsMessage(From);

/// <summary>The leader is alive: the node's hold on the partition is renewed.</summary>
public sealed record KeepAlive(string From, PartitionId Partition) : DvmsMessage(From);

/// <summary>The driver applied the plan (<paramref name="Conflict"/> null) or could not, and why.</summary>
public sealed record PlanApplied(string From, PartitionId Partition, string? Conflict) : DvmsMessage(From);

/// <summary>Timer: the node asked <paramref name="Node"/> has not answered.</summary>
public sealed record ReplyTimeout(string From, PartitionId Partition, int Request, string Node) : DvmsMessage(From);

/// <summary>Timer: ask <paramref name="Node"/> to join again.</summary>
public sealed record AskAgain(string From, PartitionId Partition, int Request, string Node) : DvmsMessage(From);

/// <summary>Timer: the leader renews its members' hold.</summary>
public sealed record RenewTick(string From, PartitionId Partition) : DvmsMessage(From);

/// <summary>Timer: a member checks whether its leader is still alive.</summary>
public sealed record LeaseCheck(string From, PartitionId Partition) : DvmsMessage(From);

/// <summary>Timer: start the pending event's procedure again.</summary>
public sealed record RetryStart(string From, int Serial) : DvmsMessage(From);

/// <summary>What a node wants done after handling a message.</summary>
public abstract record DvmsOutput;

/// <summary>Deliver <paramref name="Message"/> to node <paramref name="To"/>.</summary>
public sealed record Send(string To, DvmsMessage Message) : DvmsOutput;

/// <summary>Deliver <paramref name="Message"/> to this node after <paramref name="DelaySeconds"/>.</summary>
public sealed record After(double DelaySeconds, DvmsMessage Message) : DvmsOutput;

/// <summary>Run these migrations, then hand the node a <see cref="PlanApplied"/>.</summary>
public sealed record ApplyPlan(PartitionId Partition, NodeEvent Event, ReconfigurationPlan Plan, IReadOnlyList<string> Members) : DvmsOutput;

/// <summary>The event was handled by a partition of <paramref name="PartitionSize"/> nodes.</summary>
public sealed record EventResolved(NodeEvent Event, PartitionId Partition, int PartitionSize, int Migrations) : DvmsOutput;

/// <summary>No partition could handle the event; <paramref name="Reason"/> says why.</summary>
public sealed record EventUnsolvable(NodeEvent Event, PartitionId Partition, int PartitionSize, string Reason) : DvmsOutput;
