using Discovery.Abstractions.Environments.Constraints;
using Discovery.Placement;
using Discovery.Scheduling.Nodes;
using Discovery.Scheduling.Workload;

namespace Discovery.Scheduling.Planning;

/// <summary>
/// Finds the fewest migrations that handle a node's event inside one partition — relieve an overloaded node, or empty
/// an underloaded one — as DVMS asks Entropy to do each time a partition grows. An iterative-deepening search on the
/// number of migrations: VMs (VMs bound by Gather move together) are tried largest demand first, targets nearest
/// first. Every move must fit its target at the moment it runs, so the plan's order never puts a node above capacity;
/// VMs under Root never move; every VE constraint touched by a move is checked against where the VE's other VMs are,
/// inside and outside the partition. When only plans whose migrations form a cycle exist, the failure says so.
/// </summary>
/// <remarks>
/// Make-room moves (a VM of another node moved so an evicted VM fits there) come before the evictions in a plan and
/// never target the event's node. Consolidation only moves the node's own VMs, onto nodes that already run VMs (no node
/// is woken up to empty another). A constraint that is already broken blocks every plan that moves one of its VMs;
/// one no move touches is left as it is.
/// </remarks>
public sealed class ReconfigurationPlanner(PlannerOptions? options = null)
{
    private readonly PlannerOptions _options = (options ?? new PlannerOptions()).Validate();

    /// <summary>The search bounds in use.</summary>
    public PlannerOptions Options => _options;

    /// <summary>Plans the handling of <see cref="PartitionProblem.Event"/> within <see cref="PartitionProblem.Nodes"/>.</summary>
    /// <exception cref="ArgumentException">The event's node is not in the partition, or a node or VM appears twice.</exception>
    public PlanOutcome Plan(PartitionProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        Check(problem);
        var strict = new Search(problem, _options, strict: true).Run();
        if (strict.Succeeded || strict.GaveUp)
            return strict;
        // The strict search only tries make-room moves before evictions; a looser search finds plans in any order, and
        // ordering them afterwards either succeeds or shows the cycle that makes every order unsafe.
        var loose = new Search(problem, _options, strict: false).Run();
        var steps = strict.Steps + loose.Steps;
        if (loose.Plan is not { } plan)
            return strict with { Steps = steps, GaveUp = loose.GaveUp };
        var (order, cycle) = MigrationOrder.Sequence(plan.Migrations, problem.Nodes);
        return order is not null
            ? new PlanOutcome(new ReconfigurationPlan(order), null, steps)
            : new PlanOutcome(null, $"{problem.Event}: the only plans of up to {_options.MaxMigrations} migrations in this partition of {problem.Nodes.Count} nodes cannot be ordered: {cycle}", steps);
    }

    private static void Check(PartitionProblem problem)
    {
        if (problem.Nodes.GroupBy(n => n.Node).FirstOrDefault(g => g.Count() > 1) is { } node)
            throw new ArgumentException($"node {node.Key} appears {node.Count()} times in the partition", nameof(problem));
        if (problem.Nodes.SelectMany(n => n.Vms).GroupBy(v => v.Vm).FirstOrDefault(g => g.Count() > 1) is { } vm)
            throw new ArgumentException($"VM {vm.Key} appears on {vm.Count()} nodes of the partition", nameof(problem));
        if (problem.Nodes.All(n => n.Node != problem.Event.Node))
            throw new ArgumentException($"the event's node {problem.Event.Node} is not in the partition ({string.Join(", ", problem.Nodes.Select(n => n.Node))})", nameof(problem));
    }

    private sealed class Unit(List<HostedVm> vms, int node, string? immovable)
    {
        public List<HostedVm> Vms { get; } = vms;
        public int Node { get; set; } = node;
        public VmLoad Demand { get; } = vms.Aggregate(VmLoad.None, (s, v) => s + v.Demand);
        public string? Immovable { get; } = immovable;
        public int Cost => Vms.Count;
        public string Name => Vms.Count == 1 ? Vms[0].Vm : $"{{{string.Join(", ", Vms.Select(v => v.Vm))}}}";
    }

    private sealed class Search
    {
        private readonly PartitionProblem _problem;
        private readonly PlannerOptions _options;
        private readonly bool _strict;
        private readonly bool _overload;
        private readonly NodeState[] _nodes;
        private readonly VmLoad[] _load;
        private readonly int[] _vmCount;
        private readonly int _event;
        private readonly Dictionary<string, PlacementHost> _hostOf;
        private readonly Dictionary<string, List<BoundConstraint>> _constraintsOf = [];
        private readonly List<Unit> _units;
        private readonly List<Unit> _primary;
        private readonly List<Unit> _secondary;
        private readonly List<(Unit Unit, int From, int To)> _moves = [];
        private readonly Dictionary<Unit, List<string>> _firstLevelRejections = [];
        private int _steps;
        private bool _gaveUp;

        public Search(PartitionProblem problem, PlannerOptions options, bool strict)
        {
            _problem = problem;
            _options = options;
            _strict = strict;
            _overload = problem.Event.Kind == NodeEventKind.Overload;
            _nodes = problem.Nodes.ToArray();
            _load = _nodes.Select(n => n.Load).ToArray();
            _vmCount = _nodes.Select(n => n.Vms.Count).ToArray();
            _event = Array.FindIndex(_nodes, n => n.Node == problem.Event.Node);
            _hostOf = new Dictionary<string, PlacementHost>(problem.Outside);
            foreach (var node in _nodes)
                foreach (var vm in node.Vms)
                    _hostOf[vm.Vm] = node.Host;
            foreach (var bound in problem.Constraints)
                foreach (var member in bound.Members)
                    (_constraintsOf.TryGetValue(member, out var list) ? list : _constraintsOf[member] = []).Add(bound);
            _units = BuildUnits();
            // Largest first: fewer, bigger moves relieve a node soonest (DVMS sorts VMs by demand the same way).
            var byDemand = _units.Where(u => u.Immovable is null)
                .OrderByDescending(u => u.Demand.Cpu).ThenByDescending(u => u.Demand.MemoryMiB).ThenBy(u => u.Name, StringComparer.Ordinal).ToList();
            _primary = byDemand.Where(u => u.Node == _event).ToList();
            _secondary = byDemand.Where(u => u.Node != _event).ToList();
        }

        public PlanOutcome Run()
        {
            if (Goal())
                return new PlanOutcome(ReconfigurationPlan.Empty, null, 0);
            if (!_overload && _units.FirstOrDefault(u => u.Node == _event && u.Immovable is not null) is { } stuck)
                return Fail($"{stuck.Name} cannot leave: {stuck.Immovable}");
            if (_nodes.Length == 1)
                return Fail("no other node in the partition");
            var first = _overload ? 1 : _primary.Sum(u => u.Cost);
            for (var limit = first; limit <= _options.MaxMigrations && !_gaveUp; limit++)
            {
                if (Dfs(_primary, 0, 0, limit))
                    return Success();
                if (_overload && _options.MakeRoom && _secondary.Count > 0 && !_gaveUp && Dfs([.. _secondary, .. _primary], 0, 0, limit))
                    return Success();
            }
            return Fail(Explain());
        }

        private PlanOutcome Success() =>
            new(new ReconfigurationPlan(_moves.SelectMany(m => m.Unit.Vms.Select(v => new Migration(v.Vm, _nodes[m.From].Node, _nodes[m.To].Node, v.Demand))).ToList()), null, _steps);

        private PlanOutcome Fail(string why)
        {
            var gaveUp = _gaveUp ? $"the search gave up after {_options.MaxSteps} steps; " : "";
            var state = _overload ? $"{_load[_event]} for {_nodes[_event].Capacity}" : $"{_nodes[_event].Vms.Count} VMs";
            return new PlanOutcome(null, $"{_problem.Event} ({state}) has no plan in this partition of {_nodes.Length} nodes: {gaveUp}{why}", _steps, _gaveUp);
        }

        private bool Dfs(List<Unit> order, int start, int cost, int limit)
        {
            if (Goal())
                return ConstraintsHold();
            if (cost >= limit || !CanStillReach(order, start, limit - cost))
                return false;
            for (var i = start; i < order.Count; i++)
            {
                var unit = order[i];
                if (cost + unit.Cost > limit)
                    continue;
                var from = unit.Node;
                foreach (var to in TargetsFor(unit))
                {
                    if (++_steps > _options.MaxSteps)
                    {
                        _gaveUp = true;
                        return false;
                    }
                    if (Rejection(unit, to) is { } reason)
                    {
                        if (cost == 0 && from == _event)
                            (_firstLevelRejections.TryGetValue(unit, out var list) ? list : _firstLevelRejections[unit] = []).Add($"{_nodes[to].Node}: {reason}");
                        continue;
                    }
                    Move(unit, from, to);
                    _moves.Add((unit, from, to));
                    if (Dfs(order, i + 1, cost + unit.Cost, limit))
                        return true;
                    _moves.RemoveAt(_moves.Count - 1);
                    Move(unit, to, from);
                    if (_gaveUp)
                        return false;
                }
                // Emptying a node means every one of its VMs leaves: skipping one cannot lead to a plan.
                if (!_overload && unit.Node == _event)
                    return false;
            }
            return false;
        }

        private IEnumerable<int> TargetsFor(Unit unit)
        {
            for (var to = 0; to < _nodes.Length; to++)
            {
                if (to == unit.Node || to == _event)
                    continue;
                if (!_overload && _vmCount[to] == 0)
                    continue;
                yield return to;
            }
        }

        private bool Goal()
        {
            if (_overload ? !_nodes[_event].Capacity.Holds(_load[_event]) : _vmCount[_event] > 0)
                return false;
            if (_strict)
                return true;
            // The loose search checks capacity at the end only: every target must then fit.
            return _moves.All(m => _nodes[m.To].Capacity.Holds(_load[m.To]));
        }

        private bool CanStillReach(List<Unit> order, int start, int budget)
        {
            var left = order.Skip(start).Where(u => u.Node == _event).ToList();
            if (!_overload)
                return left.Sum(u => u.Cost) <= budget;
            var excess = _load[_event] - new VmLoad(_nodes[_event].Capacity.Cpus, _nodes[_event].Capacity.MemoryMiB);
            var cpu = left.Select(u => u.Demand.Cpu).OrderDescending().Take(budget).Sum();
            var memory = left.Select(u => u.Demand.MemoryMiB).OrderDescending().Take(budget).Sum();
            return cpu >= excess.Cpu - 1e-9 && memory >= excess.MemoryMiB;
        }

        private string? Rejection(Unit unit, int to)
        {
            var target = _nodes[to];
            if (_strict && target.Capacity.Shortfall(_load[to] + unit.Demand) is { } shortfall)
                return $"would carry {shortfall}";
            var moving = unit.Vms.Select(v => v.Vm).ToHashSet();
            foreach (var vm in unit.Vms)
            {
                foreach (var bound in _constraintsOf.GetValueOrDefault(vm.Vm) ?? [])
                {
                    var others = bound.Members.Where(m => m != vm.Vm && (moving.Contains(m) || _hostOf.ContainsKey(m)))
                        .Select(m => new PlacedVm(m, moving.Contains(m) ? target.Host : _hostOf[m])).ToList();
                    if (bound.Constraint.Reject(target.Host, others) is { } reason)
                        return reason;
                }
            }
            return null;
        }

        private void Move(Unit unit, int from, int to)
        {
            _load[from] -= unit.Demand;
            _load[to] += unit.Demand;
            _vmCount[from] -= unit.Cost;
            _vmCount[to] += unit.Cost;
            unit.Node = to;
            foreach (var vm in unit.Vms)
                _hostOf[vm.Vm] = _nodes[to].Host;
        }

        private bool ConstraintsHold()
        {
            var moved = _moves.SelectMany(m => m.Unit.Vms).Select(v => v.Vm).ToHashSet();
            var touched = moved.SelectMany(vm => _constraintsOf.GetValueOrDefault(vm) ?? []).Distinct();
            return ConstraintChecks.FirstBroken(touched, vm => _hostOf.GetValueOrDefault(vm)) is null;
        }

        private List<Unit> BuildUnits()
        {
            var vms = _nodes.SelectMany((n, i) => n.Vms.Select(v => (Vm: v, Node: i))).ToList();
            var parent = vms.ToDictionary(v => v.Vm.Vm, v => v.Vm.Vm);
            string Find(string x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
            var outside = new Dictionary<string, string>();
            foreach (var bound in _problem.Constraints.Where(b => b.Constraint is Gather))
            {
                var inside = bound.Members.Where(parent.ContainsKey).ToList();
                for (var i = 1; i < inside.Count; i++)
                    parent[Find(inside[i])] = Find(inside[0]);
                if (inside.Count > 0 && bound.Members.FirstOrDefault(m => !parent.ContainsKey(m) && _hostOf.ContainsKey(m)) is { } away)
                    outside[Find(inside[0])] = $"{bound.Constraint}: {away} is on {_hostOf[away].Node}, outside the partition";
            }
            var units = new List<Unit>();
            foreach (var group in vms.GroupBy(v => Find(v.Vm.Vm)))
            {
                var members = group.ToList();
                var immovable = members.Select(m => RefusalOf(m.Vm.Vm)).FirstOrDefault(r => r is not null)
                    ?? outside.GetValueOrDefault(group.Key)
                    ?? (members.Select(m => m.Node).Distinct().Count() > 1 ? $"{string.Join(", ", members.Select(m => m.Vm.Vm))} are gathered but on different nodes" : null);
                units.Add(new Unit(members.Select(m => m.Vm).ToList(), members[0].Node, immovable));
            }
            return units;
        }

        private string? RefusalOf(string vm) =>
            (_constraintsOf.GetValueOrDefault(vm) ?? []).Select(b => b.Constraint.RefuseMove(vm)).FirstOrDefault(r => r is not null);

        private string Explain()
        {
            var parts = new List<string>();
            foreach (var unit in _units.Where(u => u.Node == _event))
            {
                if (unit.Immovable is not null)
                    parts.Add($"{unit.Name} cannot move ({unit.Immovable})");
                else if (_firstLevelRejections.TryGetValue(unit, out var reasons) && reasons.Count >= _nodes.Length - 1)
                    parts.Add($"{unit.Name} ({unit.Demand}) fits no other node ({string.Join("; ", reasons.Take(3))}{(reasons.Count > 3 ? "; …" : "")})");
                else
                    parts.Add($"{unit.Name} ({unit.Demand}) could move, but not with enough others");
            }
            if (parts.Count == 0)
                return "it runs no VM";
            return $"no set of up to {_options.MaxMigrations} migrations works: {string.Join(", ", parts.Take(6))}{(parts.Count > 6 ? ", …" : "")}";
        }
    }
}
