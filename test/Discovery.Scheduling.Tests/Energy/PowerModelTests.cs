using Discovery.Scheduling.Energy;
using static Discovery.Scheduling.Tests.Infra;

namespace Discovery.Scheduling.Tests.Energy;

public sealed class PowerModelTests
{
    private static readonly PowerModel Model = new(new PowerOptions(IdleWatts: 100, PeakWatts: 200, StandbyWatts: 10, SitePue: new Dictionary<string, double> { ["lyon"] = 1.5 }));

    [Fact]
    public void Power_is_linear_in_cpu_between_idle_and_peak()
    {
        Assert.Equal(100, Model.Watts(0));
        Assert.Equal(150, Model.Watts(0.5));
        Assert.Equal(200, Model.Watts(1));
        Assert.Equal(10, Model.Watts(0.7, on: false));
    }

    [Fact]
    public void Totals_add_the_nodes_and_apply_each_site_pue()
    {
        var total = Model.Total([new NodePower("lyon", 0.5), new NodePower("paris", 1), new NodePower("lyon", 0, On: false)]);

        Assert.Equal(150 + 200 + 10, total.ItWatts);
        Assert.Equal(150 * 1.5 + 200 + 10 * 1.5, total.FacilityWatts);
    }

    [Fact]
    public void Emptied_nodes_in_standby_draw_standby_power()
    {
        NodeState[] nodes = [NodeAt("n1", "paris", 4, ("a", 2)), NodeAt("n2", "paris", 4)];

        Assert.Equal(150 + 100, Model.Total(nodes).ItWatts);
        Assert.Equal(150 + 10, Model.Total(nodes, emptyNodesStandBy: true).ItWatts);
    }

    [Fact]
    public void Peak_below_idle_is_refused_naming_the_value()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PowerModel(new PowerOptions(IdleWatts: 100, PeakWatts: 50)));

        Assert.Equal("PeakWatts", error.ParamName);
    }
}
