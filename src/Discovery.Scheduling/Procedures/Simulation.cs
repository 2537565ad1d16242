using Discovery.Abstractions.Environments.Constraints;
using Discovery.Placement;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Planning;
using Discovery.Scheduling.Workload;

namespace Discovery.Scheduling.Procedures;

/// <summary>
/// Runs a <see cref="DvmsNode"/> per node on one thread as a discrete-event simulation over an abstract network:
/// messages arrive after a latency with seeded jitter, timers fire in simulated time, plans are applied to a shared
/// world (checked against capacity and every constraint first; refused if the world changed under them). The same
/// seed gives the same run.
/// </summary>
public sealed class Simulation
{
    private readonly SimulationOptions _options;
    private readonly Dictionary<string, DvmsNode> _dvms = [];
    private readonly Dictionary<string, NodeState> _world;
    private readonly Dictionary<string, string> _nodeOfVm = [];
    private readonly Dictionary<string, List<BoundConstraint>> _constraintsOf = [];
    private readonly PriorityQueue<(string To, DvmsMessage Message), (double Time, long Seq)> _queue = new();
    private readonly Dictionary<string, double> _crashAt = [];
    private readonly List<EventRecord> _events = [];
    private readonly List<string> _violations = [];
    private readonly Random _random;
    private long _seq;
    private int _messages, _migrations, _maxConcurrent, _conflicts, _steps;
    private (IDemandSource Source, OverloadDetector Detector, double Interval)? _workload;

    /// <summary>A simulation of <paramref name="nodes"/>, each asking the others in the order <paramref name="neighbours"/> gives.</summary>
    /// <param name="nodes">The nodes with their VMs and demands.</param>
    /// <param name="constraints">The constraints of every VE, bound to VM names.</param>
    /// <param name="neighbours">For each node, the other nodes nearest first.</param>
    /// <param name="options">Network, timing and search settings.</param>
    public Simulation(IEnumerable<NodeState> nodes, IReadOnlyList<BoundConstraint> constraints, IReadOnlyDictionary<string, IReadOnlyList<string>> neighbours, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(neighbours);
        _options = (options ?? new SimulationOptions()).Validate();
        _random = new Random(_options.Seed);
        _world = [];
        foreach (var node in nodes)
        {
            if (!_world.TryAdd(node.Node, node))
                throw new ArgumentException($"node {node.Node} is given twice", nameof(nodes));
            foreach (var vm in node.Vms)
                if (!_nodeOfVm.TryAdd(vm.Vm, node.Node))
                    throw new ArgumentException($"VM {vm.Vm} is on both {_nodeOfVm[vm.Vm]} and {node.Node}", nameof(nodes));
        }
        foreach (var bound in constraints)
            foreach (var member in bound.Members)
                (_constraintsOf.TryGetValue(member, out var list) ? list : _constraintsOf[member] = []).Add(bound);
        var planner = new ReconfigurationPlanner(_options.Planner);
        var dvms = _options.Dvms ?? new DvmsOptions();
        foreach (var id in _world.Keys)
        {
            if (!neighbours.TryGetValue(id, out var near))
                throw new ArgumentException($"node {id} has no neighbour list", nameof(neighbours));
            if (near.FirstOrDefault(n => !_world.ContainsKey(n)) is { } unknown)
                throw new ArgumentException($"node {id} lists neighbour {unknown}, which is not a node of the simulation", nameof(neighbours));
            _dvms[id] = new DvmsNode(id, near, () => SnapshotOf(id), planner, dvms);
        }
    }

    /// <summary>Simulated time, in seconds.</summary>
    public double Now { get; private set; }

    /// <summary>The nodes as they are now.</summary>
    public IReadOnlyDictionary<string, NodeState> Nodes => _world;

    /// <summary>Called after each plan is applied, with the nodes as they are then.</summary>
    public event Action<AppliedPlan>? PlanApplied;

    /// <summary>The procedure state of node <paramref name="id"/>.</summary>
    public DvmsNode NodeOf(string id) => _dvms.TryGetValue(id, out var node) ? node : throw new ArgumentException($"no node {id} in the simulation", nameof(id));

    /// <summary>Raises <paramref name="event"/> on its node at <paramref name="at"/> (now when null).</summary>
    public void Raise(NodeEvent @event, double? at = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        NodeOf(@event.Node);
        var time = Math.Max(Now, at ?? Now);
        _events.Add(new EventRecord(@event, time));
        Enqueue(@event.Node, new EventRaised(@event.Node, @event), time);
    }

    /// <summary>Node <paramref name="node"/> stops at <paramref name="at"/>: it drops every message and timer from then on.</summary>
    public void Crash(string node, double at)
    {
        NodeOf(node);
        _crashAt[node] = at;
    }

    /// <summary>
    /// Drives demand from <paramref name="source"/> every <paramref name="intervalSeconds"/>: each VM's demand is
    /// updated and <paramref name="detector"/> raises the nodes' events. The run then needs an end time.
    /// </summary>
    public void AttachWorkload(IDemandSource source, OverloadDetector detector, double intervalSeconds)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(detector);
        if (!(intervalSeconds > 0) || double.IsInfinity(intervalSeconds))
            throw new ArgumentOutOfRangeException(nameof(intervalSeconds), intervalSeconds, "the monitoring interval must be a positive number of seconds");
        _workload = (source, detector, intervalSeconds);
        Enqueue("", new Monitor(), Now);
    }

    /// <summary>Delivers messages and timers until none is left, <paramref name="until"/> is reached, or the step guard trips.</summary>
    public SimulationReport Run(double until = double.PositiveInfinity)
    {
        if (_workload is not null && double.IsPositiveInfinity(until))
            throw new ArgumentOutOfRangeException(nameof(until), until, "a run with a workload attached needs an end time");
        var stoppedEarly = false;
        while (_queue.TryPeek(out _, out var key) && key.Time <= until)
        {
            if (_steps >= _options.MaxSteps)
            {
                stoppedEarly = true;
                break;
            }
            var (to, message) = _queue.Dequeue();
            Now = key.Time;
            _steps++;
            if (message is Monitor)
            {
                Observe();
                continue;
            }
            if (_crashAt.TryGetValue(to, out var crashed) && crashed <= Now)
                continue;
            Carry(to, _dvms[to].Handle(message, Now));
            Check();
        }
        if (!stoppedEarly && double.IsFinite(until))
            Now = Math.Max(Now, until);
        return new SimulationReport(_events.ToList(), _messages, _migrations, _maxConcurrent, _conflicts, _violations.ToList(), _steps, Now, stoppedEarly);
    }

    private void Carry(string from, IReadOnlyList<DvmsOutput> outputs)
    {
        foreach (var output in outputs)
        {
            switch (output)
            {
                case Send send:
                    _messages++;
                    Enqueue(send.To, send.Message, Now + _options.LatencySeconds + _random.NextDouble() * _options.JitterSeconds);
                    break;
                case After after:
                    Enqueue(from, after.Message, Now + after.DelaySeconds);
                    break;
                case ApplyPlan apply:
                    var conflict = Apply(apply);
                    Enqueue(from, new PlanApplied(from, apply.Partition, conflict), Now + _options.MigrationSeconds * apply.Plan.Migrations.Count);
                    break;
                case EventResolved resolved:
                    Close(resolved.Event, r => r with { EndedAt = Now, Resolved = true, PartitionSize = resolved.PartitionSize, Migrations = resolved.Migrations });
                    break;
                case EventUnsolvable unsolvable:
                    Close(unsolvable.Event, r => r with { EndedAt = Now, Reason = unsolvable.Reason, PartitionSize = unsolvable.PartitionSize });
                    _workload?.Detector.Reset(unsolvable.Event.Node);
                    break;
            }
        }
    }

    private void Close(NodeEvent @event, Func<EventRecord, EventRecord> end)
    {
        for (var i = 0; i < _events.Count; i++)
            if (_events[i].EndedAt is null && _events[i].Event == @event)
                _events[i] = end(_events[i]);
    }

    // Applies the plan in its order, refusing it whole if a target would go above capacity on the way or a constraint
    // would break at the end: the plan was made from snapshots, and the world is the judge.
    private string? Apply(ApplyPlan apply)
    {
        var nodes = new Dictionary<string, NodeState>(_world);
        var hosts = new Dictionary<string, string>(_nodeOfVm);
        foreach (var migration in apply.Plan.Migrations)
        {
            if (hosts.GetValueOrDefault(migration.Vm) != migration.From)
                return Refuse($"{migration.Vm} is no longer on {migration.From}");
            var vm = nodes[migration.From].Vms.First(v => v.Vm == migration.Vm);
            nodes[migration.From] = nodes[migration.From].With(nodes[migration.From].Vms.Where(v => v.Vm != migration.Vm));
            nodes[migration.To] = nodes[migration.To].With(nodes[migration.To].Vms.Append(vm));
            hosts[migration.Vm] = migration.To;
            if (nodes[migration.To].Capacity.Shortfall(nodes[migration.To].Load) is { } shortfall)
                return Refuse($"{migration} would put {migration.To} at {shortfall}");
        }
        var moved = apply.Plan.Migrations.Select(m => m.Vm).ToHashSet();
        if (ConstraintChecks.FirstBroken(moved.SelectMany(vm => _constraintsOf.GetValueOrDefault(vm) ?? []).Distinct(), vm => hosts.TryGetValue(vm, out var n) ? nodes[n].Host : null) is { } broken)
            return Refuse(broken);
        foreach (var (id, node) in nodes)
            _world[id] = node;
        foreach (var (vm, node) in hosts)
            _nodeOfVm[vm] = node;
        _migrations += apply.Plan.Migrations.Count;
        PlanApplied?.Invoke(new AppliedPlan(Now, apply.Partition, apply.Event, apply.Plan, apply.Members, new Dictionary<string, NodeState>(_world)));
        return null;
    }

    private string Refuse(string why)
    {
        _conflicts++;
        return why;
    }

    private NodeSnapshot SnapshotOf(string id)
    {
        var node = _world[id];
        var constraints = node.Vms.SelectMany(v => _constraintsOf.GetValueOrDefault(v.Vm) ?? []).Distinct().ToList();
        var hosts = new Dictionary<string, PlacementHost>();
        foreach (var member in constraints.SelectMany(c => c.Members))
            if (_nodeOfVm.TryGetValue(member, out var at))
                hosts[member] = _world[at].Host;
        return new NodeSnapshot(node, constraints, hosts);
    }

    private void Observe()
    {
        var (source, detector, interval) = _workload!.Value;
        foreach (var id in _world.Keys.Order(StringComparer.Ordinal).ToList())
        {
            var node = _world[id];
            _world[id] = node = node.With(node.Vms.Select(v => v with { Demand = source.DemandAt(v.Vm, Now) }));
            if (_crashAt.GetValueOrDefault(id, double.PositiveInfinity) > Now && detector.Observe(node, Now) is { } raised)
                Raise(raised);
        }
        Enqueue("", new Monitor(), Now + interval);
    }

    // The one invariant a run must keep whatever the timing: a node is in at most one live partition.
    private void Check()
    {
        var leaders = _dvms.Values.Where(n => n.Leading is not null && _crashAt.GetValueOrDefault(n.Id, double.PositiveInfinity) > Now).ToList();
        _maxConcurrent = Math.Max(_maxConcurrent, leaders.Count);
        if (_violations.Count >= 10)
            return;
        foreach (var twice in leaders.SelectMany(l => l.Members.Select(m => (Member: m, Leader: l.Id))).GroupBy(p => p.Member).Where(g => g.Count() > 1))
            _violations.Add($"t={Now:0.###}: {twice.Key} is in the partitions of {string.Join(" and ", twice.Select(p => p.Leader))}");
    }

    private void Enqueue(string to, DvmsMessage message, double at) => _queue.Enqueue((to, message), (at, _seq++));

    private sealed record Monitor() : DvmsMessage("");
}
