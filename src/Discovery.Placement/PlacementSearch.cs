using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;

namespace Discovery.Placement;

/// <summary>
/// Finds hosts for the VMs of a VE among candidate nodes, closest first. A depth-first search: VMs in order of how
/// hard they are to place, each tried on candidates by increasing RTT; every constraint is asked in turn and the first
/// rejection is kept per candidate, so a failure explains itself. Candidates that cannot be told apart (same site,
/// RTT and free resources, none of the VE's VMs on them, not named by a constraint) are tried once per VM, which keeps
/// the search from retrying a whole site node by node. The search gives up after <paramref name="maxSteps"/> steps.
/// </summary>
public sealed class PlacementSearch(int maxSteps = PlacementSearch.DefaultMaxSteps)
{
    /// <summary>The default bound on examined (VM, candidate) pairs.</summary>
    public const int DefaultMaxSteps = 200_000;

    /// <summary>Solves <paramref name="problem"/> over <paramref name="candidates"/>.</summary>
    public PlacementOutcome Solve(PlacementProblem problem, IReadOnlyList<Candidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(candidates);
        return new Run(problem, candidates, maxSteps).Solve();
    }

    private sealed class Run
    {
        private readonly PlacementProblem _problem;
        private readonly List<Candidate> _candidates;
        private readonly int _maxSteps;
        private readonly List<VmDemand> _order;
        private readonly Dictionary<string, List<BoundConstraint>> _constraintsOf;
        private readonly HashSet<string> _namedLocations;
        private readonly Dictionary<string, PlacementHost> _placed;
        private readonly Dictionary<string, Candidate> _plan = [];
        private readonly Dictionary<string, Resources> _used = [];
        private readonly Dictionary<string, int> _vmsOn = [];
        private int _steps;
        private int _deepest = -1;
        private Dictionary<string, string> _deepestReasons = [];

        public Run(PlacementProblem problem, IReadOnlyList<Candidate> candidates, int maxSteps)
        {
            _problem = problem;
            _maxSteps = maxSteps;
            _candidates = candidates.OrderBy(c => c.RttMs).ThenBy(c => c.Host.Node, StringComparer.Ordinal).ToList();
            _constraintsOf = problem.Vms.ToDictionary(v => v.Vm, v => problem.Constraints.Where(c => c.Members.Contains(v.Vm)).ToList());
            _namedLocations = problem.Constraints.SelectMany(c => c.Constraint.Locations).ToHashSet();
            _placed = new Dictionary<string, PlacementHost>(problem.Fixed);
            foreach (var host in problem.Fixed.Values)
                _vmsOn[host.Node] = _vmsOn.GetValueOrDefault(host.Node) + 1;
            // Hardest first: the most constrained, then the biggest.
            _order = problem.Vms
                .OrderByDescending(v => _constraintsOf[v.Vm].Count)
                .ThenByDescending(v => v.Demand.Vcpus).ThenByDescending(v => v.Demand.MemoryMiB).ThenByDescending(v => v.Demand.DiskGiB)
                .ThenBy(v => v.Vm, StringComparer.Ordinal)
                .ToList();
        }

        public PlacementOutcome Solve()
        {
            if (Place(0))
                return new PlacementOutcome(new Dictionary<string, Candidate>(_plan), null, _steps);
            return new PlacementOutcome(null, Explain(), _steps);
        }

        private bool Place(int index)
        {
            if (index == _order.Count)
                return true;
            var vm = _order[index];
            var reasons = new Dictionary<string, string>();
            var triedAlike = new HashSet<(string, string?, double, Resources)>();
            foreach (var candidate in _candidates)
            {
                if (++_steps > _maxSteps)
                    return false;
                var free = candidate.Free - _used.GetValueOrDefault(candidate.Host.Node);
                var reason = free.Shortfall(vm.Demand) ?? Rejection(vm.Vm, candidate.Host);
                if (reason is not null)
                {
                    reasons[candidate.Host.Node] = reason;
                    continue;
                }
                if (IsInterchangeable(candidate) && !triedAlike.Add((candidate.Host.Site, candidate.Host.Region, candidate.RttMs, free)))
                    continue;
                Assign(vm, candidate);
                if (Place(index + 1))
                    return true;
                Unassign(vm, candidate);
                if (_steps > _maxSteps)
                    return false;
            }
            if (index > _deepest)
                (_deepest, _deepestReasons) = (index, reasons);
            return false;
        }

        private string? Rejection(string vm, PlacementHost host)
        {
            foreach (var bound in _constraintsOf[vm])
            {
                var others = bound.Members.Where(m => m != vm && _placed.ContainsKey(m))
                    .Select(m => new PlacedVm(m, _placed[m])).ToList();
                if (bound.Constraint.Reject(host, others) is { } reason)
                    return reason;
            }
            return null;
        }

        private bool IsInterchangeable(Candidate candidate) =>
            _vmsOn.GetValueOrDefault(candidate.Host.Node) == 0 && !_namedLocations.Contains(candidate.Host.Node);

        private void Assign(VmDemand vm, Candidate candidate)
        {
            _plan[vm.Vm] = candidate;
            _placed[vm.Vm] = candidate.Host;
            _used[candidate.Host.Node] = _used.GetValueOrDefault(candidate.Host.Node) + vm.Demand;
            _vmsOn[candidate.Host.Node] = _vmsOn.GetValueOrDefault(candidate.Host.Node) + 1;
        }

        private void Unassign(VmDemand vm, Candidate candidate)
        {
            _plan.Remove(vm.Vm);
            _placed.Remove(vm.Vm);
            _used[candidate.Host.Node] -= vm.Demand;
            _vmsOn[candidate.Host.Node]--;
        }

        // "vm db: none of 12 candidates fits: Fence(db; only lyon) excludes 9 (paris/node-1, …); 3 lack capacity (…)".
        private string Explain()
        {
            if (_candidates.Count == 0)
                return "no candidate node within reach";
            var gaveUp = _steps > _maxSteps ? $"the search gave up after {_maxSteps} steps; " : "";
            if (_deepest < 0 || _deepest >= _order.Count)
                return $"{gaveUp}no combination of the {_candidates.Count} candidates satisfies every constraint";
            var vm = _order[_deepest].Vm;
            if (_deepestReasons.Count == 0)
                return $"{gaveUp}VM {vm}: every candidate that fits it leaves no room for the VE's other VMs";
            var groups = _deepestReasons
                .GroupBy(r => Category(r.Value))
                .OrderByDescending(g => g.Count())
                .Select(g => $"{g.Key} on {g.Count()} ({string.Join(", ", g.Take(3).Select(r => r.Key))}{(g.Count() > 3 ? ", …" : "")}; e.g. {g.First().Value})");
            return $"{gaveUp}VM {vm} fits none of the {_candidates.Count} candidates within reach: {string.Join("; ", groups)}";
        }

        private static string Category(string reason) =>
            reason.StartsWith("needs ", StringComparison.Ordinal) ? "not enough free capacity" : reason[..(reason.IndexOf(':') is > 0 and var i ? i : reason.Length)];
    }
}
