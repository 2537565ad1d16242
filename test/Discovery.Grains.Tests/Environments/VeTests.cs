using System.Collections.Concurrent;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Orleans.Streams;
using Xunit;

namespace Discovery.Grains.Tests.Environments;

/// <summary>
/// VEs on the shared three-site cluster. Other tests register nodes too, so assertions are about sites, distinct
/// nodes and this test's own nodes (reached with <c>Fence</c> when a test needs to own the capacity).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class VeTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private IVeGrain Ve(string name) => fixture.Client.GetGrain<IVeGrain>($"tenant-{_test}/{name}");

    private static string Req() => Guid.NewGuid().ToString("N");

    private async Task<string> NodeAsync(string site, string name, int cpus = 8, long memoryMiB = 16384)
    {
        var id = $"{site}/{name}-{_test}";
        await fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(cpus, memoryMiB));
        return id;
    }

    private async Task RegisterTwoNodesPerSiteAsync()
    {
        foreach (var site in SiteClusterFixture.Sites)
        {
            await NodeAsync(site, "a");
            await NodeAsync(site, "b");
        }
    }

    [Fact]
    public async Task A_three_tier_ve_runs_near_its_site_with_web_spread_and_db_fenced_and_goes_through_its_lifecycle()
    {
        await RegisterTwoNodesPerSiteAsync();
        var ve = Ve("three-tier");
        var spec = new VeSpec(
            [new VmTemplate("web", 2, 2048, Count: 2), new VmTemplate("db", 2, 4096)],
            [new Spread(["web"]), new Fence(["db"], ["lyon"])]);

        await ve.ConfigureAsync(spec, Req());
        var deployed = await ve.DeployAsync(Req(), Locality.NearSite("paris"));

        Assert.Equal(VeStatus.Running, deployed.Status);
        Assert.All(deployed.Vms, v => Assert.Equal(VmState.Running, v.State));
        Assert.Equal(("paris", "paris"), (deployed.Vm("web-1").Site, deployed.Vm("web-2").Site));
        Assert.NotEqual(deployed.Vm("web-1").Node, deployed.Vm("web-2").Node);
        Assert.Equal("lyon", deployed.Vm("db").Site);
        Assert.True(deployed.Vm("db").RttMs > deployed.Vm("web-1").RttMs, "the fenced db is further than the web tier");
        Assert.Equal("paris", deployed.Requester);

        Assert.All((await ve.SuspendAsync(Req())).Vms, v => Assert.Equal(VmState.Suspended, v.State));
        Assert.All((await ve.ResumeAsync(Req())).Vms, v => Assert.Equal(VmState.Running, v.State));

        var moved = await ve.RelocateAsync(Locality.NearSite("rennes"), Req(), "web-1");
        Assert.Equal("rennes", moved.Vm("web-1").Site);
        Assert.Equal(VmState.Running, moved.Vm("web-1").State);
        Assert.Equal(deployed.Vm("web-2").Node, moved.Vm("web-2").Node);

        var stopped = await ve.StopAsync(Req(), force: true);
        Assert.Equal(VeStatus.Stopped, stopped.Status);
        Assert.All(stopped.Vms, v => Assert.Equal(VmState.Stopped, v.State));

        var dbNode = fixture.Client.GetGrain<INodeGrain>(moved.Vm("db").Node!);
        Assert.Contains($"tenant-{_test}/three-tier/db", (await dbNode.GetInfoAsync()).Vms!);
        await ve.DeleteAsync(Req());
        Assert.DoesNotContain($"tenant-{_test}/three-tier/db", (await dbNode.GetInfoAsync()).Vms!);
        Assert.Equal(VeStatus.None, (await ve.LocateAsync()).Status);
    }

    [Fact]
    public async Task Invalid_specs_are_refused_naming_the_vm_and_the_constraint()
    {
        await NodeAsync("paris", "small", cpus: 4);
        await fixture.Client.GetGrain<IImageGrain>($"debian-{_test}").RegisterAsync(new ImageInfo(2));

        var impossible = await Assert.ThrowsAsync<InvalidVeSpecException>(() => Ve("bad").ConfigureAsync(new VeSpec(
            [new VmTemplate("a", 1, 512), new VmTemplate("b", 1, 512)], [new Gather(["a", "b"]), new Spread(["a", "b"])]), Req()));
        var image = await Assert.ThrowsAsync<InvalidVeSpecException>(() => Ve("bad").ConfigureAsync(new VeSpec(
            [new VmTemplate("web", 1, 512, Image: "windows-95"), new VmTemplate("ok", 1, 512, Image: $"debian-{_test}")]), Req()));
        var huge = await Assert.ThrowsAsync<InvalidVeSpecException>(() => Ve("bad").ConfigureAsync(new VeSpec(
            [new VmTemplate("monster", 512, 512)]), Req()));
        var empty = await Assert.ThrowsAsync<InvalidVeSpecException>(() => Ve("bad").ConfigureAsync(new VeSpec([]), Req()));

        Assert.Contains("Spread(a, b) and Gather(a, b) both hold a, b", impossible.Message);
        Assert.Contains("image 'windows-95' (VM web) is unknown", image.Message);
        Assert.DoesNotContain("debian", image.Message);
        Assert.Contains("VM 'monster' needs 512 vCPUs", huge.Message);
        Assert.Contains("more than any node has", huge.Message);
        Assert.Contains("at least one VM", empty.Message);
        Assert.Equal(VeStatus.None, (await Ve("bad").LocateAsync()).Status);
    }

    [Fact]
    public async Task Concurrent_deployments_racing_for_the_same_nodes_never_overcommit_and_leak_nothing()
    {
        var nodes = new[] { await NodeAsync("rennes", "r1", cpus: 4), await NodeAsync("rennes", "r2", cpus: 4) };
        var spec = new VeSpec([new VmTemplate("app", 2, 1024)], [new Fence([], nodes)]);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            var ve = Ve($"race-{i}");
            await ve.ConfigureAsync(spec, Req());
            try
            {
                await ve.DeployAsync(Req(), Locality.NearSite("rennes"));
                return true;
            }
            catch (PlacementFailedException)
            {
                return false;
            }
        }));

        Assert.Equal(4, outcomes.Count(ok => ok));
        foreach (var node in nodes)
        {
            var info = await fixture.Client.GetGrain<INodeGrain>(node).GetInfoAsync();
            Assert.Equal(4, info.AllocatedVcpus);
            Assert.Equal(2, info.Vms!.Count);
        }
        for (var i = 0; i < 10; i++)
        {
            var located = await Ve($"race-{i}").LocateAsync();
            Assert.Equal(outcomes[i] ? VeStatus.Running : VeStatus.Configured, located.Status);
        }
    }

    [Fact]
    public async Task A_deployment_that_fails_half_way_is_rolled_back_with_nothing_reserved()
    {
        var good = await NodeAsync("lyon", "good");
        var bad = await NodeAsync("lyon", "bad");
        // The site still believes "bad" is empty and up: the plan uses it, the node refuses, the VE must roll back.
        await fixture.Client.GetGrain<INodeGrain>(bad).SetStatusAsync(NodeStatus.Maintenance);
        var site = fixture.Client.GetGrain<ISiteGrain>("lyon");
        await Eventually.HoldsAsync(async () => (await site.GetLoadsAsync()).Single(l => l.Node == bad).Status == NodeStatus.Maintenance, "the site to see the maintenance");
        await site.ReportLoadAsync(new NodeLoad(bad, NodeStatus.Up, new Resources(8, 16384, 1024), Resources.None));
        var ve = Ve("half");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("a", 1, 512), new VmTemplate("b", 1, 512)], [new Spread(["a", "b"]), new Fence([], [good, bad])]), Req());

        var error = await Assert.ThrowsAsync<PlacementFailedException>(() => ve.DeployAsync(Req(), Locality.NearSite("lyon")));

        Assert.Contains("Spread(a, b)", error.Message);
        Assert.Empty((await fixture.Client.GetGrain<INodeGrain>(good).GetInfoAsync()).Vms!);
        Assert.Empty((await fixture.Client.GetGrain<INodeGrain>(bad).GetInfoAsync()).Vms!);
        Assert.Equal(VeStatus.Configured, (await ve.LocateAsync()).Status);
        Assert.All((await ve.LocateAsync()).Vms, v => Assert.Null(v.Node));
    }

    [Fact]
    public async Task Relocating_the_whole_ve_keeps_its_constraints_and_root_vms_never_move()
    {
        await RegisterTwoNodesPerSiteAsync();
        var ve = Ve("mobile");
        await ve.ConfigureAsync(new VeSpec(
            [new VmTemplate("web", 1, 1024, Count: 2), new VmTemplate("db", 1, 1024)],
            [new Spread(["web"]), new Root(["db"])]), Req());
        await ve.DeployAsync(Req(), Locality.NearSite("paris"));

        var refused = await Assert.ThrowsAsync<VeOperationException>(() => ve.RelocateAsync(Locality.NearSite("lyon"), Req()));
        Assert.Contains("Root(db): db never migrates", refused.Message);

        var web = await ve.RelocateAsync(Locality.NearSite("lyon"), Req(), "web-2");
        Assert.Equal("lyon", web.Vm("web-2").Site);
        Assert.Equal("paris", web.Vm("db").Site);
        Assert.Equal("lyon", web.Requester);
    }

    [Fact]
    public async Task Retrying_a_request_returns_the_first_outcome_instead_of_doing_it_twice()
    {
        await RegisterTwoNodesPerSiteAsync();
        var ve = Ve("retry");
        var configure = Req();
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("app", 1, 512)]), configure);
        var deploy = Req();

        var first = await ve.DeployAsync(deploy, Locality.NearSite("lyon"));
        var again = await ve.DeployAsync(deploy, Locality.NearSite("lyon"));
        var reused = await Assert.ThrowsAsync<VeOperationException>(() => ve.SuspendAsync(deploy));
        var fresh = await Assert.ThrowsAsync<VeOperationException>(() => ve.DeployAsync(Req(), Locality.NearSite("lyon")));

        Assert.Equal(first.Vm("app").Node, again.Vm("app").Node);
        Assert.Contains($"request id '{deploy}' was already used for deploy", reused.Message);
        Assert.Contains("is Running; deploy needs a configured VE", fresh.Message);
        Assert.Equal(VmState.Running, (await ve.LocateAsync()).Vm("app").State);
        await Assert.ThrowsAsync<ArgumentException>(() => ve.StopAsync(""));
    }

    [Fact]
    public async Task Near_the_caller_means_the_site_the_caller_comes_from_and_progress_is_published()
    {
        await RegisterTwoNodesPerSiteAsync();
        var ve = Ve("caller");
        var progress = new ConcurrentQueue<VeProgress>();
        var stream = fixture.Client.GetStreamProvider(Abstractions.Events.DiscoveryStreams.Provider)
            .GetStream<VeProgress>(StreamId.Create(VeStreams.Namespace, $"tenant-{_test}/caller"));
        var handle = await stream.SubscribeAsync((p, _) => { progress.Enqueue(p); return Task.CompletedTask; });
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("app", 1, 512, Count: 2)]), Req());

        var unknown = await Assert.ThrowsAsync<VeOperationException>(() => ve.DeployAsync(Req()));
        RequestContext.Set(Locality.CallerSiteContextKey, "rennes");
        VeInfo deployed;
        try
        {
            deployed = await ve.DeployAsync(Req());
        }
        finally
        {
            RequestContext.Remove(Locality.CallerSiteContextKey);
        }

        Assert.Contains("caller's site is unknown", unknown.Message);
        Assert.All(deployed.Vms, v => Assert.Equal("rennes", v.Site));
        await Eventually.HoldsAsync(() => progress.Count(p => p.Operation == "deploy") >= 4, "4 deploy progress events");
        Assert.Equal([1, 2, 3, 4], progress.Where(p => p.Operation == "deploy").Select(p => p.Done).Take(4));
        Assert.All(progress, p => Assert.Equal(4, p.Total));
        await handle.UnsubscribeAsync();
    }
}
