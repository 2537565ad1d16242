using Discovery.Scheduling.Nodes;

namespace Discovery.Scheduling.Energy;

/// <summary>A node's contribution to power: its site, CPU utilisation (0 to 1) and whether it is on.</summary>
public readonly record struct NodePower(string Site, double CpuUtilisation, bool On = true);

/// <summary>Watts drawn by the IT equipment and by the whole facility (IT × PUE).</summary>
public readonly record struct PowerTotal(double ItWatts, double FacilityWatts);

/// <summary>
/// The usual linear model (Fan, Weber and Barroso, ISCA 2007): a node that is on draws idle power plus a share of the
/// idle-to-peak range proportional to CPU utilisation; a node in standby draws standby power; each site multiplies
/// its IT power by its PUE.
/// </summary>
public sealed class PowerModel(PowerOptions options)
{
    private readonly PowerOptions _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();

    /// <summary>The watts one node draws.</summary>
    public double Watts(double cpuUtilisation, bool on = true)
    {
        if (cpuUtilisation < 0 || double.IsNaN(cpuUtilisation))
            throw new ArgumentOutOfRangeException(nameof(cpuUtilisation), cpuUtilisation, "utilisation must be 0 or more");
        if (!on)
            return _options.StandbyWatts;
        return _options.IdleWatts + (_options.PeakWatts - _options.IdleWatts) * Math.Min(1, cpuUtilisation);
    }

    /// <summary>The IT watts a node saves in standby rather than on and idle (what consolidation gains per node).</summary>
    public double StandbySavingWatts => _options.IdleWatts - _options.StandbyWatts;

    /// <summary>The PUE of <paramref name="site"/>.</summary>
    public double PueOf(string site) => _options.SitePue?.GetValueOrDefault(site, _options.DefaultPue) ?? _options.DefaultPue;

    /// <summary>IT and facility watts of <paramref name="nodes"/>.</summary>
    public PowerTotal Total(IEnumerable<NodePower> nodes)
    {
        double it = 0, facility = 0;
        foreach (var node in nodes)
        {
            var watts = Watts(node.CpuUtilisation, node.On);
            it += watts;
            facility += watts * PueOf(node.Site);
        }
        return new PowerTotal(it, facility);
    }

    /// <summary>
    /// IT and facility watts of <paramref name="nodes"/>, those without VMs in standby when
    /// <paramref name="emptyNodesStandBy"/> (what consolidation buys).
    /// </summary>
    public PowerTotal Total(IEnumerable<NodeState> nodes, bool emptyNodesStandBy = false) =>
        Total(nodes.Select(n => new NodePower(n.Host.Site, n.Capacity.CpuUtilisation(n.Load), !(emptyNodesStandBy && n.Vms.Count == 0))));
}
