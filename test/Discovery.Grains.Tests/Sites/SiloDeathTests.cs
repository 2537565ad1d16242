using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Testing.Cluster;
using Discovery.Testing.Events;
using Xunit;

namespace Discovery.Grains.Tests.Sites;

/// <summary>A cluster of its own: these tests kill silos.</summary>
[Collection(OwnClusterCollection.Name)]
public sealed class SiloDeathTests : IAsyncLifetime
{
    private readonly SiteClusterFixture _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Killing_a_sites_silo_reports_exactly_that_sites_nodes_unreachable()
    {
        var client = _cluster.Client;
        var nodes = SiteClusterFixture.Sites.SelectMany(site => Enumerable.Range(1, 3).Select(i => $"{site}/node-{i}")).ToList();
        foreach (var node in nodes)
            await client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));
        await using var recorder = await EventRecorder.StartAsync(client, SiteClusterFixture.Sites);
        var lyon = _cluster.Cluster.Silos.Single(s => _cluster.SiteOfSilo[s.Name] == "lyon");

        await _cluster.Cluster.KillSiloAsync(lyon);

        var unreachable = await recorder.WaitForAsync<NodeUnreachable>(_ => true, count: 3, timeout: TimeSpan.FromSeconds(60));
        Assert.Equal(["lyon/node-1", "lyon/node-2", "lyon/node-3"], unreachable.Select(e => e.Node).Order());
        Assert.All(unreachable, e => Assert.Equal("lyon", e.Site));
        var lyonNeighbours = await recorder.WaitForAsync<NeighboursChanged>(e => e.Site == "lyon" && e.Cause == "node-1,node-2,node-3");
        Assert.Empty(lyonNeighbours.Single().Nodes);
        // Every silo sees the death and reports it; the site registry acts on the first report only.
        var again = await client.GetGrain<Abstractions.Sites.ISiteGrain>("lyon").SiloDeadAsync(lyon.SiloAddress.ToParsableString());
        Assert.Empty(again);
    }
}
