using Discovery.Network.Topology;

namespace Discovery.Network.Tests;

public sealed class BackboneTopologyTests
{
    // Three PoPs in a line (Paris – Lyon – Marseille), one PoP without a location, and one linked to nothing.
    private const string GraphMl = """
        <?xml version="1.0" encoding="utf-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key attr.name="label" attr.type="string" for="node" id="d1" />
          <key attr.name="Latitude" attr.type="double" for="node" id="d2" />
          <key attr.name="Longitude" attr.type="double" for="node" id="d3" />
          <graph edgedefault="undirected">
            <node id="0"><data key="d1">Paris</data><data key="d2">48.8566</data><data key="d3">2.3522</data></node>
            <node id="1"><data key="d1">Lyon</data><data key="d2">45.7640</data><data key="d3">4.8357</data></node>
            <node id="2"><data key="d1">Marseille</data><data key="d2">43.2965</data><data key="d3">5.3698</data></node>
            <node id="3"><data key="d1">Somewhere</data></node>
            <node id="4"><data key="d1">Brest Île</data><data key="d2">48.39</data><data key="d3">-4.49</data></node>
            <edge source="0" target="1" /><edge source="1" target="2" /><edge source="2" target="3" />
          </graph>
        </graphml>
        """;

    /// <summary>Loads a topology written to a temporary file with <paramref name="extension"/> (which picks the format).</summary>
    internal static BackboneTopology Load(string text, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"topology-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, text);
        try
        {
            return BackboneTopology.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Paris – Lyon at 10 Gb/s, Lyon – Marseille at 2.5 Gb/s, Paris – Lille at 155 Mb/s, Lyon – Grenoble of unknown
    // capacity; Brest linked to nothing.
    private const string GraphMlWithCapacities = """
        <?xml version="1.0" encoding="utf-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key attr.name="label" attr.type="string" for="node" id="d1" />
          <key attr.name="Latitude" attr.type="double" for="node" id="d2" />
          <key attr.name="Longitude" attr.type="double" for="node" id="d3" />
          <key attr.name="LinkSpeedRaw" attr.type="double" for="edge" id="e1" />
          <graph edgedefault="undirected">
            <node id="0"><data key="d1">Paris</data><data key="d2">48.8566</data><data key="d3">2.3522</data></node>
            <node id="1"><data key="d1">Lyon</data><data key="d2">45.7640</data><data key="d3">4.8357</data></node>
            <node id="2"><data key="d1">Marseille</data><data key="d2">43.2965</data><data key="d3">5.3698</data></node>
            <node id="3"><data key="d1">Grenoble</data><data key="d2">45.1885</data><data key="d3">5.7245</data></node>
            <node id="4"><data key="d1">Brest</data><data key="d2">48.39</data><data key="d3">-4.49</data></node>
            <node id="5"><data key="d1">Lille</data><data key="d2">50.6292</data><data key="d3">3.0573</data></node>
            <edge source="0" target="1"><data key="e1">10000000000.0</data></edge>
            <edge source="1" target="2"><data key="e1">2500000000.0</data></edge>
            <edge source="1" target="3" />
            <edge source="0" target="5"><data key="e1">155000000.0</data></edge>
          </graph>
        </graphml>
        """;

    [Fact]
    public void A_pairs_capacity_is_the_narrowest_link_on_its_shortest_path_and_unknown_where_a_link_has_none()
    {
        var topology = Load(GraphMlWithCapacities, ".graphml");

        Assert.Equal(10e9, topology.PathBps("paris", "lyon"));
        Assert.Equal(2.5e9, topology.PathBps("paris", "marseille"));
        Assert.Equal(2.5e9, topology.PathBps("marseille", "paris"));
        Assert.Equal(155e6, topology.PathBps("lille", "marseille"));
        Assert.Null(topology.PathBps("paris", "grenoble"));  // Lyon – Grenoble has no capacity in the file
        Assert.Null(topology.PathBps("paris", "brest"));     // not linked at all
    }

    [Fact]
    public void A_topology_without_capacities_gives_none()
    {
        var topology = Load(GraphMl, ".graphml");

        Assert.Null(topology.PathBps("paris", "lyon"));
    }

    [Fact]
    public void Pops_without_a_location_are_left_out_and_names_become_site_names()
    {
        var topology = Load(GraphMl, ".graphml");

        Assert.Equal(["paris", "lyon", "marseille", "brest-ile"], topology.Pops.Select(p => p.Name));
        Assert.Equal("Brest Île", topology.Pops[3].Label);
    }

    [Fact]
    public void Fibre_follows_the_links_and_unlinked_pops_get_a_stretched_great_circle()
    {
        var topology = Load(GraphMl, ".graphml");
        var (paris, lyon, marseille, brest) = (topology.Pops[0].Location, topology.Pops[1].Location, topology.Pops[2].Location, topology.Pops[3].Location);

        Assert.Equal(paris.DistanceKmTo(lyon) + lyon.DistanceKmTo(marseille), topology.FibreKm("paris", "marseille"), 6);
        Assert.True(topology.FibreKm("paris", "marseille") > paris.DistanceKmTo(marseille));
        Assert.Equal(paris.DistanceKmTo(brest) * BackboneTopology.UnlinkedStretch, topology.FibreKm("paris", "brest-ile"), 6);
        Assert.Equal(0, topology.FibreKm("lyon", "lyon"));
    }

    [Fact]
    public void A_csv_of_sites_with_quoted_fields_loads()
    {
        var topology = Load("site_uid,name,location,latitude,longitude\nlyon,Lyon,\"Lyon, France\",45.76,4.83\nnancy,Nancy,\"Nancy, France\",48.69,6.18\n", ".csv");

        Assert.Equal(["lyon", "nancy"], topology.Pops.Select(p => p.Name));
        Assert.InRange(topology.FibreKm("lyon", "nancy"), 300, 700);
    }

    [Fact]
    public void The_great_circle_between_paris_and_lyon_is_about_392_km()
    {
        Assert.InRange(new GeoPoint(48.8566, 2.3522).DistanceKmTo(new GeoPoint(45.7640, 4.8357)), 390, 394);
        Assert.Equal(1.0 + 100 * 0.015, new GeoLatencyModel().RttMs(new GeoPoint(0, 0), new GeoPoint(0, 100 / 111.19492664455873)), 3);
    }
}
