using System.Net;
using Discovery.Network.Emulation;
using Discovery.Network.Latency;
using Discovery.Network.Topology;

namespace Discovery.Network.Tests.Emulation;

public sealed class EmulatedBackboneTests
{
    private static BackboneTopology Grid5000Like() => BackboneTopologyTests.Load("""
        site_uid,name,location,latitude,longitude
        lille,Lille,"Lille, France",50.65,3.0833
        lyon,Lyon,"Lyon, France",45.72971,4.82781
        rennes,Rennes,"Rennes, France",48.1,-1.6667
        """, ".csv");

    [Fact]
    public void Delays_are_fibre_distance_at_five_microseconds_per_km_each_way_and_the_rtt_is_both_ways()
    {
        var topology = Grid5000Like();
        var plan = EmulatedBackbone.Plan("t1", topology, ["lille", "lyon", "rennes"], rateMbps: 100);
        var km = topology.FibreKm("lille", "lyon");
        Assert.Equal(km * GeographicWan.FibreMsPerKmOneWay, plan.OneWayDelayMs[0][1], precision: 9);
        Assert.Equal(2 * km * GeographicWan.FibreMsPerKmOneWay, plan.RttMs(0, 1), precision: 9);
        Assert.Equal(0, plan.OneWayDelayMs[2][2]);
        // Lille - Lyon is about 560 km as the crow flies, 1.5 times that without known links: about 8.4 ms RTT.
        Assert.InRange(plan.RttMs(0, 1), 8, 9);
    }

    [Fact]
    public void Each_site_gets_its_own_namespace_and_addresses_and_is_found_by_its_wan_address()
    {
        var plan = EmulatedBackbone.Plan("t2", Grid5000Like(), ["rennes", "lille"], rateMbps: 10, delayScale: 2);
        Assert.Equal(["t2-s0", "t2-s1"], plan.Sites.Select(s => s.Namespace));
        Assert.Equal("10.98.0.11", plan.Sites[1].WanAddress);
        Assert.Equal("10.99.0.11", plan.Sites[1].LanAddress);
        Assert.Equal(1, plan.IndexOfWanAddress(IPAddress.Parse("10.98.0.11")));
        Assert.Equal(-1, plan.IndexOfWanAddress(IPAddress.Parse("10.98.0.12")));
        Assert.Equal(-1, plan.IndexOfWanAddress(IPAddress.Parse("10.99.0.10")));
    }

    [Fact]
    public void A_plan_survives_its_json_round_trip()
    {
        var plan = EmulatedBackbone.Plan("t3", Grid5000Like(), ["lyon", "lille", "rennes"], rateMbps: 50, delayScale: 3);
        var back = EmulatedBackbone.FromJson(plan.ToJson());
        Assert.Equal(plan.Sites, back.Sites);
        Assert.Equal(plan.RttMs(1, 2), back.RttMs(1, 2));
        Assert.Equal((50.0, 3.0, "t3"), (back.RateMbps[0][1], back.DelayScale, back.Name));
    }

    [Fact]
    public void Pair_rates_are_the_topologys_path_capacities_scaled_and_the_default_where_it_has_none()
    {
        var topology = BackboneTopologyTests.Load("""
            <?xml version="1.0" encoding="utf-8"?>
            <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
              <key attr.name="label" attr.type="string" for="node" id="d1" />
              <key attr.name="Latitude" attr.type="double" for="node" id="d2" />
              <key attr.name="Longitude" attr.type="double" for="node" id="d3" />
              <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="e1" />
              <graph edgedefault="undirected">
                <node id="0"><data key="d1">Paris</data><data key="d2">48.8566</data><data key="d3">2.3522</data></node>
                <node id="1"><data key="d1">Lyon</data><data key="d2">45.7640</data><data key="d3">4.8357</data></node>
                <node id="2"><data key="d1">Brest</data><data key="d2">48.39</data><data key="d3">-4.49</data></node>
                <edge source="0" target="1"><data key="e1">2500000000.0</data></edge>
              </graph>
            </graphml>
            """, ".graphml");

        var plan = EmulatedBackbone.Plan("t6", topology, ["paris", "lyon", "brest"], rateMbps: 40, rateScale: 0.01);

        Assert.Equal(25, plan.RateMbps[0][1], precision: 9);  // 2.5 Gb/s × 0.01
        Assert.Equal(25, plan.RateMbps[1][0], precision: 9);
        Assert.Equal(40, plan.RateMbps[0][2]);                // Brest is linked to nothing: the default
        Assert.Equal(40, EmulatedBackbone.FromJson(plan.ToJson()).RateMbps[2][1]);
        var refused = Assert.Throws<ArgumentException>(() => EmulatedBackbone.Plan("t7", topology, ["paris"], rateMbps: 40, rateScale: 0));
        Assert.Contains("rate scale must be positive", refused.Message);
    }

    [Theory]
    [InlineData("Bad", "lower-case")]
    [InlineData("a-b", "lower-case")]
    [InlineData("elevenchars", "lower-case")]
    public void A_name_that_cannot_prefix_namespaces_is_refused(string name, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatedBackbone.Plan(name, Grid5000Like(), ["lyon"], 100));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_unknown_site_is_refused_with_the_names_the_topology_has()
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatedBackbone.Plan("t4", Grid5000Like(), ["lyon", "paris"], 100));
        Assert.Contains("paris", e.Message);
        Assert.Contains("lille, lyon, rennes", e.Message);
    }
}
