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

    [Fact]
    public async Task When_a_replica_site_dies_its_chunks_are_copied_again_to_a_surviving_site()
    {
        var sdk = Client.DiscoveryClient.Attach(_cluster.Client);
        var content = new byte[1 << 20];
        new Random(5).NextBytes(content);
        var before = await sdk.Images.ImportAsync("survivor", new MemoryStream(content), "disk.img", "tenant");
        Assert.Equal(2, before.ReplicasBySite.Count);
        var lost = before.ReplicasBySite.Keys.First();
        var spare = SiteClusterFixture.Sites.Single(s => !before.ReplicasBySite.ContainsKey(s));
        var silo = _cluster.Cluster.Silos.Single(s => _cluster.SiteOfSilo[s.Name] == lost);

        await _cluster.Cluster.KillSiloAsync(silo);

        // The chunks still count the dead site's replica, but it is not live: the spare site gets a copy of every chunk.
        var ids = (await _cluster.Client.GetGrain<Abstractions.Images.IImageGrain>("survivor").GetManifestAsync())!.Chunks.Select(c => c.Id).Distinct().ToList();
        await Testing.Eventually.HoldsAsync(async () =>
                (await _cluster.Client.GetGrain<Abstractions.Images.ISiteChunkStoreGrain>(spare).MissingAsync(ids)).Count == 0,
            $"site {spare} to hold every chunk once {lost} died", TimeSpan.FromSeconds(90));
        var after = await sdk.Images.ShowAsync("survivor");
        Assert.Equal(ids.Count, after.ReplicasBySite[spare]);
    }
}
