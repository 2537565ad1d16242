using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Placement;

namespace Discovery.Bench.Placement;

/// <summary>
/// The reference: a central scheduler that knows every node and the true RTTs, and finds the placement with the least
/// total requester→VM RTT that satisfies every constraint — branch and bound over all nodes, candidates in increasing
/// RTT so the bound cuts each VM's loop short. Bounded by <paramref name="maxSteps"/>; a search cut there keeps the best
/// placement found so far, and says so.
/// </summary>
public sealed class ExhaustivePlacement(int maxSteps = 5_000_000)
{
    /// <summary>The best placement, or null when none exists (or none was found within the step bound).</summary>
    public (IReadOnlyDictionary<string, Candidate>? Plan, bool Exhausted) Place(PlacementProblem problem, IReadOnlyList<Candidate> everyNode)
    {
        var run = new Run(problem, everyNode.OrderBy(c => c.RttMs).ToList(), maxSteps);
        run.Search(0, 0);
        return (run.Best, run.Steps <= maxSteps);
    }

    private sealed class Run
    {
        private readonly List<VmDemand> _vms;
        private readonly List<Candidate> _nodes;
        private readonly int _maxSteps;
        private readonly double[] _restLowerBound;
        private readonly Dictionary<string, List<BoundConstraint>> _constraintsOf;
        private readonly Dictionary<string, PlacementHost> _placed = [];
        private readonly Dictionary<string, Candidate> _plan = [];
        private readonly Dictionary<string, Resources> _used = [];
        private double _bestSum = double.PositiveInfinity;

        public Run(PlacementProblem problem, List<Candidate> nodes, int maxSteps)
        {
            _nodes = nodes;
            _maxSteps = maxSteps;
            _constraintsOf = problem.Vms.ToDictionary(v => v.Vm, v => problem.Constraints.Where(c => c.Members.Contains(v.Vm)).ToList());
            _vms = problem.Vms.OrderByDescending(v => _constraintsOf[v.Vm].Count).ThenByDescending(v => v.Demand.Vcpus).ToList();
            // The least RTT each VM could get anywhere, ignoring the others: an admissible bound on the rest.
            var least = _vms.Select(v => nodes.FirstOrDefault(n => n.Free.Holds(v.Demand))?.RttMs ?? double.PositiveInfinity).ToArray();
            _restLowerBound = new double[_vms.Count + 1];
            for (var i = _vms.Count - 1; i >= 0; i--)
                _restLowerBound[i] = _restLowerBound[i + 1] + least[i];
        }

        public IReadOnlyDictionary<string, Candidate>? Best { get; private set; }

        public int Steps { get; private set; }

        public void Search(int index, double sum)
        {
            if (index == _vms.Count)
            {
                (_bestSum, Best) = (sum, new Dictionary<string, Candidate>(_plan));
                return;
            }
            var vm = _vms[index];
            foreach (var node in _nodes)
            {
                if (++Steps > _maxSteps || sum + node.RttMs + _restLowerBound[index + 1] >= _bestSum)
                    return; // candidates come in increasing RTT: none after this one can do better
                var free = node.Free - _used.GetValueOrDefault(node.Host.Node);
                if (!free.Holds(vm.Demand) || !Allowed(vm.Vm, node.Host))
                    continue;
                _plan[vm.Vm] = node;
                _placed[vm.Vm] = node.Host;
                _used[node.Host.Node] = _used.GetValueOrDefault(node.Host.Node) + vm.Demand;
                Search(index + 1, sum + node.RttMs);
                _plan.Remove(vm.Vm);
                _placed.Remove(vm.Vm);
                _used[node.Host.Node] -= vm.Demand;
            }
        }

        private bool Allowed(string vm, PlacementHost host) =>
            _constraintsOf[vm].All(c => c.Constraint.Reject(host,
                c.Members.Where(m => m != vm && _placed.ContainsKey(m)).Select(m => new PlacedVm(m, _placed[m])).ToList()) is null);
    }
}
