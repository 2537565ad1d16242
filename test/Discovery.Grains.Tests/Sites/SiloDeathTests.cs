using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Testing;
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

    [Fact]
    public async Task A_protected_vm_restarts_on_a_node_its_constraints_allow_when_its_silo_dies_and_an_unprotected_one_is_marked_failed()
    {
        var client = _cluster.Client;
        foreach (var node in new[] { "lyon/ha-a", "paris/ha-b", "paris/ha-c" })
            await client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));
        var ve = client.GetGrain<IVeGrain>("ops/ha-shop");
        await ve.ConfigureAsync(new VeSpec(
            [new VmTemplate("web", 1, 512, Ha: HaMode.Restart), new VmTemplate("batch", 1, 512)],
            [new Fence(["web"], ["lyon/ha-a", "paris/ha-c"])]), "c1");
        await ve.DeployAsync("d1", Locality.NearNode("lyon/ha-a"));
        Assert.All((await ve.LocateAsync()).Vms, v => Assert.Equal("lyon/ha-a", v.Node));
        await using var recorder = await EventRecorder.StartAsync(client, SiteClusterFixture.Sites);

        await _cluster.Cluster.KillSiloAsync(_cluster.Cluster.Silos.Single(s => _cluster.SiteOfSilo[s.Name] == "lyon"));

        var web = client.GetGrain<IVmGrain>("ops/ha-shop/web");
        // A call the client sent to web's activation on the dead silo before it learned of the death times out (CI):
        // not yet, ask again.
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                return (await web.GetInfoAsync()) is { State: VmState.Running, Node: "paris/ha-c" };
            }
            catch (TimeoutException)
            {
                return false;
            }
        }, "web to run again on paris/ha-c, the only other node its fence allows", TimeSpan.FromSeconds(120));
        Assert.Equal(1, (await web.GetInfoAsync()).Generation);
        var batch = await client.GetGrain<IVmGrain>("ops/ha-shop/batch").GetInfoAsync();
        Assert.Equal(VmState.Failed, batch.State);
        Assert.Contains("node was lost", batch.Failure);
        var located = await ve.LocateAsync();
        Assert.Equal("paris/ha-c", located.Vms.Single(v => v.Vm == "web").Node);
        Assert.Equal(VeStatus.Degraded, located.Status);
        await recorder.WaitForAsync<VmStateChanged>(e => e.Vm == "ops/ha-shop/web" && e.To == VmState.Running && e.Node == "paris/ha-c");
    }

    [Fact]
    public async Task A_ve_placed_near_a_node_whose_site_has_no_silo_up_goes_to_the_nearest_site_up()
    {
        var client = _cluster.Client;
        foreach (var node in new[] { "lyon/near-a", "paris/near-b", "rennes/near-c" })
            await client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));
        await _cluster.Cluster.KillSiloAsync(_cluster.Cluster.Silos.Single(s => _cluster.SiteOfSilo[s.Name] == "lyon"));
        await Eventually.HoldsAsync(async () => (await client.GetGrain<Abstractions.Sites.ISiteGrain>("lyon").GetLoadsAsync()).All(l => l.Status != NodeStatus.Up),
            "lyon's nodes to be known unreachable", TimeSpan.FromSeconds(60));
        var ve = client.GetGrain<IVeGrain>("ops/near-dead");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512)]), "c1");

        // Its agent cannot answer for its coordinate: its site's location stands in for it.
        var deployed = await ve.DeployAsync("d1", Locality.NearNode("lyon/near-a"));

        Assert.Equal("paris/near-b", deployed.Vms.Single().Node); // paris is about 390 km from lyon, rennes 560
    }

    [Fact]
    public async Task The_spiral_search_goes_on_without_the_nodes_of_a_site_whose_silo_died()
    {
        var client = _cluster.Client;
        var nodes = SiteClusterFixture.Sites.SelectMany(site => Enumerable.Range(1, 2).Select(i => $"{site}/spiral-{i}")).ToList();
        foreach (var node in nodes)
            await client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));
        var locality = client.GetGrain<Abstractions.Coordinates.ILocalityGrain>(0);
        var point = (await client.GetGrain<Abstractions.Coordinates.INodeLocalityGrain>("lyon/spiral-1").GetCoordinateAsync()).Coordinate;
        await Eventually.HoldsAsync(async () =>
        {
            point = (await client.GetGrain<Abstractions.Coordinates.INodeLocalityGrain>("lyon/spiral-1").GetCoordinateAsync()).Coordinate;
            var all = await locality.NearestAsync(new Abstractions.Coordinates.NearestQuery(Abstractions.Coordinates.NearestTarget.OfCoordinate(point), K: 6));
            return all.Nodes.Count == 6 && all.Nodes.Take(2).All(n => n.Node.StartsWith("lyon/"));
        }, "the search to find every node, lyon's nearest lyon/spiral-1", TimeSpan.FromSeconds(90));

        await _cluster.Cluster.KillSiloAsync(_cluster.Cluster.Silos.Single(s => _cluster.SiteOfSilo[s.Name] == "lyon"));

        // The nodes nearest lyon's spot cannot answer any more: the search walks past them to the nearest that can.
        var found = await locality.NearestAsync(new Abstractions.Coordinates.NearestQuery(Abstractions.Coordinates.NearestTarget.OfCoordinate(point), K: 4));
        Assert.Equal(4, found.Nodes.Count);
        Assert.All(found.Nodes, n => Assert.NotEqual("lyon", NodeId.Parse(n.Node).Site));
    }

    [Fact]
    public async Task A_node_destroys_its_copy_of_a_vm_whose_record_says_it_runs_elsewhere()
    {
        var client = _cluster.Client;
        var (home, stale) = ("paris/fence-a", "paris/fence-b");
        foreach (var node in new[] { home, stale })
            await client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));
        var vm = client.GetGrain<IVmGrain>("ops/fenced");
        await vm.DefineAsync(new VmSpec(1, 512), home);
        await vm.StartAsync();
        // As if the VM had run on the stale node before it was cut off and restarted on its home node meanwhile.
        await client.GetGrain<INodeGrain>(stale).AdmitAsync("ops/fenced", new VmSpec(1, 512));
        await using var recorder = await EventRecorder.StartAsync(client, ["paris"]);

        await client.GetGrain<INodeGrain>(stale).ReconcileAsync();

        Assert.DoesNotContain("ops/fenced", (await client.GetGrain<INodeGrain>(stale).GetInfoAsync()).Vms ?? []);
        Assert.Equal((VmState.Running, home), ((await vm.GetInfoAsync()).State, (await vm.GetInfoAsync()).Node));
        var fenced = await recorder.WaitForAsync<VmFenced>(e => e.Vm == "ops/fenced");
        Assert.Equal((stale, home), (fenced.Single().Node, fenced.Single().Owner));
    }
}
