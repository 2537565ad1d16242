using Discovery.Abstractions.Environments.Constraints;
using Discovery.Placement;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;

namespace Discovery.Scheduling.Procedures;

/// <summary>
/// One node's side of the DVMS procedure (Quesnel, Lèbre and Südholt, CCPE 2013) as a pure state machine: a node
/// grain (or <see cref="Simulation"/>) hands it each message with the current time and carries out what it returns —
/// messages to send, timers to set, a plan to apply, an event to report. Nothing here blocks or reads a clock.
/// </summary>
/// <remarks>
/// <para>A node with an event leads a partition that starts with itself, and grows it one node at a time, asking its
/// neighbours nearest first; after each join it runs the planner on the partition, and applies the first plan found,
/// after which the partition dissolves. A node belongs to one partition at a time.</para>
/// <para>Where DVMS forwards a request along a ring and merges partitions that meet, this version uses wound-wait
/// priorities so that no procedure waits forever: partitions are ordered by the age of their event (then leader id).
/// An older partition that meets a node held by a younger one asks that partition's leader to give way: the younger
/// one dissolves (its nodes become free, so the older one absorbs them one by one) and starts again later with the
/// same priority. A younger partition skips nodes held by older ones; when it has run out of nodes to ask and skipped
/// some, it dissolves and retries, since the nodes it could not see may hold the answer. The oldest procedure thus
/// never waits on anyone and ends in a bounded number of steps, then the next oldest, and so on. A partition that has
/// asked every reachable node without a plan reports its event unsolvable with the planner's reason.</para>
/// <para>Members hold a lease renewed by the leader's keep-alives: when a leader fails, its members free themselves
/// after <see cref="DvmsOptions.LeaseSeconds"/>. A leader skips a node that does not answer within
/// <see cref="DvmsOptions.ReplyTimeoutSeconds"/>.</para>
/// </remarks>
public sealed class DvmsNode
{
    private readonly IReadOnlyList<string> _neighbours;
    private readonly Func<NodeSnapshot> _snapshot;
    private readonly ReconfigurationPlanner _planner;
    private readonly DvmsOptions _options;
    private PartitionId? _heldBy;
    private double _leaseRenewedAt;
    private Pending? _pending;
    private Lead? _lead;
    private int _serial;

    /// <summary>A node called <paramref name="id"/> whose other nodes, nearest first, are <paramref name="neighbours"/>.</summary>
    /// <param name="id">The node id.</param>
    /// <param name="neighbours">The other nodes it may ask, in order of proximity (from the spiral search in a cluster).</param>
    /// <param name="snapshot">Reads the node's current state, its VMs' constraints and where their VEs' VMs are.</param>
    /// <param name="planner">The planner run on each partition.</param>
    /// <param name="options">Timeouts and limits.</param>
    public DvmsNode(string id, IReadOnlyList<string> neighbours, Func<NodeSnapshot> snapshot, ReconfigurationPlanner planner, DvmsOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(neighbours);
        if (neighbours.Contains(id))
            throw new ArgumentException($"node {id} lists itself among its neighbours", nameof(neighbours));
        if (neighbours.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"node {id} lists neighbour {twice.Key} {twice.Count()} times", nameof(neighbours));
        Id = id;
        _neighbours = neighbours;
        _snapshot = snapshot ?? throw new ArgumentNullException(nameof(snapshot));
        _planner = planner ?? throw new ArgumentNullException(nameof(planner));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
    }

    /// <summary>The node id.</summary>
    public string Id { get; }

    /// <summary>The partition this node belongs to (its own when it leads one), or null when free.</summary>
    public PartitionId? HeldBy => _heldBy;

    /// <summary>The partition this node leads, or null.</summary>
    public PartitionId? Leading => _lead?.Id;

    /// <summary>The members of the partition this node leads, itself first, then in order of joining; empty when not leading.</summary>
    public IReadOnlyList<string> Members => _lead?.Members ?? [];

    /// <summary>The event this node has a procedure for (running or waiting to start), or null.</summary>
    public NodeEvent? PendingEvent => _pending?.Event;

    /// <summary>Handles <paramref name="message"/> received at <paramref name="now"/> (seconds); returns what to do.</summary>
    public IReadOnlyList<DvmsOutput> Handle(DvmsMessage message, double now)
    {
        ArgumentNullException.ThrowIfNull(message);
        var outputs = new List<DvmsOutput>();
        switch (message)
        {
            case EventRaised raised: OnEvent(raised, now, outputs); break;
            case RetryStart retry when _pending?.Serial == retry.Serial && _lead is null: TryStart(outputs); break;
            case JoinRequest request: OnJoinRequest(request, now, outputs); break;
            case JoinAccepted accepted: OnJoinAccepted(accepted, outputs); break;
            case JoinRefused refused: OnJoinRefused(refused, outputs); break;
            case YieldRequest request: OnYieldRequest(request, outputs); break;
            case YieldReply reply: OnYieldReply(reply, outputs); break;
            case ReplyTimeout timeout: OnReplyTimeout(timeout, outputs); break;
            case AskAgain again when IsAwaiting(again.Partition, again.Node, again.Request): Ask(again.Node, outputs); break;
            case Release release when _heldBy == release.Partition && _lead is null: Free(outputs); break;
            case KeepAlive alive when _heldBy == alive.Partition && _lead is null: _leaseRenewedAt = now; break;
            case LeaseCheck check when _heldBy == check.Partition && _lead is null: OnLeaseCheck(check, now, outputs); break;
            case RenewTick tick when _lead?.Id == tick.Partition: OnRenew(outputs); break;
            case PlanApplied applied when _lead is { Applying: true } lead && lead.Id == applied.Partition: OnPlanApplied(applied, outputs); break;
        }
        return outputs;
    }

    private void OnEvent(EventRaised raised, double now, List<DvmsOutput> outputs)
    {
        if (raised.Event.Node != Id)
            throw new ArgumentException($"node {Id} was handed an event of node {raised.Event.Node}", nameof(raised));
        // One procedure per node at a time: a second event waits until the detector raises it again.
        if (_pending is not null)
            return;
        _pending = new Pending(raised.Event, now, ++_serial);
        TryStart(outputs);
    }

    private void TryStart(List<DvmsOutput> outputs)
    {
        // Held by another partition: start once it releases this node.
        if (_pending is null || _heldBy is not null)
            return;
        _pending.Attempts++;
        var id = new PartitionId(_pending.Since, Id, _pending.Serial, _pending.Attempts);
        _heldBy = id;
        _lead = new Lead(id, _pending.Event);
        _lead.Members.Add(Id);
        _lead.Snapshots[Id] = _snapshot();
        outputs.Add(new After(_options.RenewSeconds, new RenewTick(Id, id)));
        Evaluate(outputs);
    }

    private void Evaluate(List<DvmsOutput> outputs)
    {
        var lead = _lead!;
        var outcome = _planner.Plan(ProblemOf(lead));
        if (outcome.Plan is { } plan)
        {
            if (plan.Migrations.Count == 0)
            {
                Finish(new EventResolved(lead.Event, lead.Id, lead.Members.Count, 0), outputs);
                return;
            }
            lead.Applying = true;
            lead.Plan = plan;
            outputs.Add(new ApplyPlan(lead.Id, lead.Event, plan, lead.Members.ToList()));
            return;
        }
        lead.LastFailure = outcome.Failure;
        Grow(outputs);
    }

    private void Grow(List<DvmsOutput> outputs)
    {
        var lead = _lead!;
        while (lead.Next < _neighbours.Count)
        {
            var candidate = _neighbours[lead.Next++];
            if (!lead.Members.Contains(candidate))
            {
                Ask(candidate, outputs);
                return;
            }
        }
        Exhausted(outputs);
    }

    private void Ask(string node, List<DvmsOutput> outputs)
    {
        var lead = _lead!;
        lead.Awaiting = node;
        lead.Request++;
        outputs.Add(new Send(node, new JoinRequest(Id, lead.Id)));
        outputs.Add(new After(_options.ReplyTimeoutSeconds, new ReplyTimeout(Id, lead.Id, lead.Request, node)));
    }

    private void AskLater(string node, List<DvmsOutput> outputs)
    {
        var lead = _lead!;
        lead.Awaiting = node;
        lead.Request++;
        outputs.Add(new After(_options.RetrySeconds, new AskAgain(Id, lead.Id, lead.Request, node)));
    }

    private void Exhausted(List<DvmsOutput> outputs)
    {
        var lead = _lead!;
        if (lead.SkippedHeld.Count > 0 && _pending!.Attempts < _options.MaxAttempts)
        {
            GiveWay(outputs);
            return;
        }
        var reason = lead.SkippedHeld.Count > 0
            ? $"gave up after {_pending!.Attempts} attempts: {Names(lead.SkippedHeld)} stayed held by older procedures; last plan attempt: {lead.LastFailure}"
            : lead.LastFailure ?? $"{lead.Event}: no other node to ask";
        if (lead.Unreachable.Count > 0)
            reason += $"; {Names(lead.Unreachable)} did not answer";
        Finish(new EventUnsolvable(lead.Event, lead.Id, lead.Members.Count, reason), outputs);
    }

    private void OnJoinRequest(JoinRequest request, double now, List<DvmsOutput> outputs)
    {
        if (_heldBy is { } held && held != request.Partition)
        {
            outputs.Add(new Send(request.From, new JoinRefused(Id, request.Partition, held)));
            return;
        }
        _heldBy = request.Partition;
        _leaseRenewedAt = now;
        outputs.Add(new Send(request.From, new JoinAccepted(Id, request.Partition, _snapshot())));
        outputs.Add(new After(_options.LeaseSeconds, new LeaseCheck(Id, request.Partition)));
    }

    private void OnJoinAccepted(JoinAccepted accepted, List<DvmsOutput> outputs)
    {
        if (_lead is { } lead && lead.Id == accepted.Partition && lead.Members.Contains(accepted.From))
            return;
        if (!IsAwaiting(accepted.Partition, accepted.From))
        {
            // Joined a partition that has moved on (it timed out, gave way or ended): free the node.
            outputs.Add(new Send(accepted.From, new Release(Id, accepted.Partition)));
            return;
        }
        _lead!.Awaiting = null;
        _lead.Members.Add(accepted.From);
        _lead.Snapshots[accepted.From] = accepted.Snapshot;
        Evaluate(outputs);
    }

    private void OnJoinRefused(JoinRefused refused, List<DvmsOutput> outputs)
    {
        if (!IsAwaiting(refused.Partition, refused.From))
            return;
        var lead = _lead!;
        if (refused.HeldBy.Leader == Id)
        {
            // Still held by an earlier attempt of this procedure: its release is on the way.
            AskLater(refused.From, outputs);
            return;
        }
        if (lead.Id.HasPriorityOver(refused.HeldBy))
        {
            lead.Request++;
            outputs.Add(new Send(refused.HeldBy.Leader, new YieldRequest(Id, lead.Id, refused.HeldBy)));
            outputs.Add(new After(_options.ReplyTimeoutSeconds, new ReplyTimeout(Id, lead.Id, lead.Request, refused.From)));
            return;
        }
        lead.Awaiting = null;
        lead.SkippedHeld.Add(refused.From);
        Grow(outputs);
    }

    private void OnYieldRequest(YieldRequest request, List<DvmsOutput> outputs)
    {
        if (_lead?.Id != request.Target)
        {
            outputs.Add(new Send(request.From, new YieldReply(Id, request.Requester, request.Target, Yielded: true)));
            return;
        }
        // A partition applying its plan finishes first: it is about to free its nodes anyway.
        var yielded = !_lead.Applying;
        if (yielded)
            GiveWay(outputs);
        outputs.Add(new Send(request.From, new YieldReply(Id, request.Requester, request.Target, yielded)));
    }

    private void OnYieldReply(YieldReply reply, List<DvmsOutput> outputs)
    {
        if (_lead?.Id != reply.Requester || _lead.Awaiting is not { } node)
            return;
        if (reply.Yielded)
            Ask(node, outputs);
        else
            AskLater(node, outputs);
    }

    private void OnReplyTimeout(ReplyTimeout timeout, List<DvmsOutput> outputs)
    {
        if (!IsAwaiting(timeout.Partition, timeout.Node, timeout.Request))
            return;
        _lead!.Awaiting = null;
        _lead.Unreachable.Add(timeout.Node);
        Grow(outputs);
    }

    private void OnLeaseCheck(LeaseCheck check, double now, List<DvmsOutput> outputs)
    {
        var expires = _leaseRenewedAt + _options.LeaseSeconds;
        if (now >= expires - 1e-9)
            Free(outputs);
        else
            outputs.Add(new After(expires - now, check));
    }

    private void OnRenew(List<DvmsOutput> outputs)
    {
        var lead = _lead!;
        foreach (var member in lead.Members.Where(m => m != Id))
            outputs.Add(new Send(member, new KeepAlive(Id, lead.Id)));
        outputs.Add(new After(_options.RenewSeconds, new RenewTick(Id, lead.Id)));
    }

    private void OnPlanApplied(PlanApplied applied, List<DvmsOutput> outputs)
    {
        var lead = _lead!;
        if (applied.Conflict is null)
        {
            Finish(new EventResolved(lead.Event, lead.Id, lead.Members.Count, lead.Plan!.Migrations.Count), outputs);
            return;
        }
        // The world changed under the plan (another partition moved a VM of the same VE): plan again from fresh state.
        if (_pending!.Attempts < _options.MaxAttempts)
            GiveWay(outputs);
        else
            Finish(new EventUnsolvable(lead.Event, lead.Id, lead.Members.Count, $"the plan could not be applied: {applied.Conflict}"), outputs);
    }

    private void Free(List<DvmsOutput> outputs)
    {
        _heldBy = null;
        TryStart(outputs);
    }

    private void GiveWay(List<DvmsOutput> outputs)
    {
        Dissolve(outputs);
        outputs.Add(new After(_options.RetrySeconds, new RetryStart(Id, _pending!.Serial)));
    }

    private void Finish(DvmsOutput report, List<DvmsOutput> outputs)
    {
        Dissolve(outputs);
        _pending = null;
        outputs.Add(report);
    }

    private void Dissolve(List<DvmsOutput> outputs)
    {
        foreach (var member in _lead!.Members.Where(m => m != Id))
            outputs.Add(new Send(member, new Release(Id, _lead.Id)));
        _lead = null;
        _heldBy = null;
    }

    private bool IsAwaiting(PartitionId partition, string node, int? request = null) =>
        _lead is { } lead && lead.Id == partition && lead.Awaiting == node && (request is null || request == lead.Request);

    private static PartitionProblem ProblemOf(Lead lead)
    {
        var snapshots = lead.Members.Select(m => lead.Snapshots[m]).ToList();
        var inside = snapshots.SelectMany(s => s.Node.Vms).Select(v => v.Vm).ToHashSet();
        var constraints = snapshots.SelectMany(s => s.Constraints)
            .DistinctBy(b => (b.Constraint.ToString(), string.Join(",", b.Members.Order(StringComparer.Ordinal))))
            .ToList();
        var outside = new Dictionary<string, PlacementHost>();
        foreach (var (vm, host) in snapshots.SelectMany(s => s.VeHosts))
            if (!inside.Contains(vm))
                outside[vm] = host;
        return new PartitionProblem(snapshots.Select(s => s.Node).ToList(), constraints, outside, lead.Event);
    }

    private static string Names(IReadOnlyCollection<string> nodes) =>
        $"{string.Join(", ", nodes.Take(5))}{(nodes.Count > 5 ? $" and {nodes.Count - 5} more" : "")}";

    private sealed class Pending(NodeEvent @event, double since, int serial)
    {
        public NodeEvent Event { get; } = @event;
        public double Since { get; } = since;
        public int Serial { get; } = serial;
        public int Attempts { get; set; }
    }

    private sealed class Lead(PartitionId id, NodeEvent @event)
    {
        public PartitionId Id { get; } = id;
        public NodeEvent Event { get; } = @event;
        public List<string> Members { get; } = [];
        public Dictionary<string, NodeSnapshot> Snapshots { get; } = [];
        public int Next { get; set; }
        public string? Awaiting { get; set; }
        public int Request { get; set; }
        public bool Applying { get; set; }
        public ReconfigurationPlan? Plan { get; set; }
        public string? LastFailure { get; set; }
        public List<string> SkippedHeld { get; } = [];
        public List<string> Unreachable { get; } = [];
    }
}
