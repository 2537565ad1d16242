using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Coordinates;

[Collection(ClusterCollection.Name)]
public sealed class NodeCoordinateTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Agents_on_an_emulated_wan_converge_so_that_a_site_s_nodes_are_closer_to_each_other_than_to_other_sites()
    {
        var nodes = SiteClusterFixture.Sites.SelectMany(site => Enumerable.Range(1, 4).Select(i => $"{site}/geo{i}-{_test}")).ToList();
        foreach (var node in nodes)
            await fixture.Client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));

        await Eventually.HoldsAsync(async () =>
        {
            var coordinates = (await Task.WhenAll(nodes.Select(n => fixture.Client.GetGrain<INodeLocalityGrain>(n).GetCoordinateAsync())))
                .ToDictionary(r => r.Node, r => r.Coordinate);
            return nodes.All(node =>
            {
                var site = NodeId.Parse(node).Site;
                var same = nodes.Where(n => n != node && NodeId.Parse(n).Site == site).Average(n => coordinates[node].EstimateRttMs(coordinates[n]));
                var other = nodes.Where(n => NodeId.Parse(n).Site != site).Average(n => coordinates[node].EstimateRttMs(coordinates[n]));
                return same < other;
            });
        }, "every node to be nearer its own site's nodes than other sites' (by coordinates)", TimeSpan.FromSeconds(90));

        var neighbours = await fixture.Client.GetGrain<INodeLocalityGrain>(nodes[0]).GetNeighboursAsync();
        Assert.NotEmpty(neighbours);

        // The spiral search from a site finds that site's nodes first; from a node, its site's nodes too.
        var locality = fixture.Client.GetGrain<ILocalityGrain>(0);
        await Eventually.HoldsAsync(async () =>
        {
            var nearLyon = await locality.NearestAsync(new NearestQuery(NearestTarget.OfSite("lyon"), K: 3));
            var nearParis = await locality.NearestAsync(new NearestQuery(NearestTarget.OfNode(nodes[0]), K: 3));
            return nearLyon.Nodes.Count == 3 && nearLyon.Nodes.All(n => NodeId.Parse(n.Node).Site == "lyon")
                && nearParis.Nodes.Count == 3 && nearParis.Nodes.All(n => NodeId.Parse(n.Node).Site == "paris" && n.Node != nodes[0]);
        }, "the nearest 3 to lyon to be lyon nodes, and to a paris node paris nodes", TimeSpan.FromSeconds(60));
        // A VE placed near a point in coordinate space runs by the node nearest that point. Placement trusts only
        // coordinates whose error estimate is low enough, so wait for the agents to reach that.
        var trusted = new Discovery.Grains.Environments.PlacementOptions().TrustedCoordinateError;
        await Eventually.HoldsAsync(async () =>
            (await Task.WhenAll(nodes.Select(n => fixture.Client.GetGrain<INodeLocalityGrain>(n).GetCoordinateAsync()))).All(r => r.Coordinate.Error <= trusted),
            $"every agent's coordinate error to fall to {trusted}", TimeSpan.FromSeconds(60));
        var rennesNode = nodes.First(n => n.StartsWith("rennes/"));
        var point = (await fixture.Client.GetGrain<INodeLocalityGrain>(rennesNode).GetCoordinateAsync()).Coordinate;
        var ve = fixture.Client.GetGrain<IVeGrain>($"tenant-{_test}/near-point");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("app", 1, 512)], [new Fence([], nodes)]), "configure");
        var placed = await ve.DeployAsync("deploy", Locality.NearCoordinate(point));
        Assert.Equal("rennes", placed.Vm("app").Site);

        var onlyRennes = await locality.NearestAsync(new NearestQuery(NearestTarget.OfSite("lyon"), K: 2, Sites: ["rennes"]));
        Assert.All(onlyRennes.Nodes, n => Assert.Equal("rennes", NodeId.Parse(n.Node).Site));
        Assert.True(onlyRennes.Messages > 0);
    }
}
