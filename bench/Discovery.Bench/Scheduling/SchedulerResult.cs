using Discovery.Scheduling.Energy;
using Discovery.Scheduling.Nodes;

namespace Discovery.Bench.Scheduling;

/// <summary>What one scheduler did over a run, in the units of the report's rows.</summary>
public sealed class SchedulerResult(string name)
{
    public string Name { get; } = name;
    public int Events { get; set; }
    public List<double> TimesToResolve { get; } = [];
    public int Unsolvable { get; set; }
    public int Unfinished { get; set; }
    public int Migrations { get; set; }
    public List<int> PartitionSizes { get; } = [];
    public int MaxProcedures { get; set; }
    public long Messages { get; set; }
    public int PlanConflicts { get; set; }
    public int Violations { get; set; }
    public TimeSpan Wall { get; set; }
    public TimeSpan Solving { get; set; }
    public Sampler Samples { get; } = new();
}

/// <summary>
/// What the monitoring sees at each tick, counted for the interval that follows: overloaded nodes (node-seconds) and
/// IT power, with nodes that run no VM in standby (the linear model's defaults: 100 W idle, 200 W peak, 5 W standby).
/// </summary>
public sealed class Sampler
{
    private static readonly PowerModel Power = new(new PowerOptions());
    private double _wattSeconds, _seconds;

    public double OverloadedNodeSeconds { get; private set; }

    public double MeanItWatts => _seconds > 0 ? _wattSeconds / _seconds : 0;

    public void Sample(IEnumerable<NodeState> nodes, double seconds)
    {
        var list = nodes as IReadOnlyCollection<NodeState> ?? nodes.ToList();
        OverloadedNodeSeconds += list.Count(n => n.IsOverloaded) * seconds;
        _wattSeconds += Power.Total(list, emptyNodesStandBy: true).ItWatts * seconds;
        _seconds += seconds;
    }
}
