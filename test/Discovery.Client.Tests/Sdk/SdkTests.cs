using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Client.Tests.Sdk;

[CollectionDefinition(Name)]
public sealed class SdkCollection : ICollectionFixture<SdkClusterFixture>
{
    public const string Name = "sdk cluster";
}

/// <summary>Every facade call of the SDK against the three-site test cluster, through real gateways.</summary>
[Collection(SdkCollection.Name)]
public sealed class SdkTests(SdkClusterFixture fixture)
{
    private readonly string _tenant = $"sdk-{Guid.NewGuid():N}"[..12];
    private DiscoveryClient Sdk => fixture.Sdk;

    private async Task<string> NodeAsync(string site, string name, int cpus = 8)
    {
        var id = $"{site}/{name}-{_tenant}";
        await fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(cpus, 16384));
        return id;
    }

    [Fact]
    public async Task A_ve_goes_through_its_whole_life_through_the_facade_and_its_progress_can_be_watched()
    {
        var (a, b) = (await NodeAsync("lyon", "a"), await NodeAsync("lyon", "b"));
        var ve = $"{_tenant}/shop";
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var progress = new List<VeProgress>();
        var watcher = Task.Run(async () =>
        {
            await foreach (var p in Sdk.VirtualEnvironments.WatchAsync(ve, watching.Token))
            {
                lock (progress)
                    progress.Add(p);
            }
        });
        // The subscription is in place (the stream's pub-sub knows it) before the first operation.
        var stream = fixture.Client.GetStreamProvider(DiscoveryStreams.Provider).GetStream<VeProgress>(StreamId.Create(VeStreams.Namespace, ve));
        await Eventually.HoldsAsync(async () => (await stream.GetAllSubscriptionHandles()).Count > 0, "the watcher's subscription");

        var created = await Sdk.VirtualEnvironments.CreateAsync(ve, new VeSpec([new VmTemplate("web", 1, 1024, Count: 2)], [new Spread([]), new Fence([], [a, b])]));
        Assert.Equal(VeStatus.Configured, created.Status);
        var deployed = await Sdk.VirtualEnvironments.DeployAsync(ve, Locality.NearSite("lyon"));
        Assert.Equal(VeStatus.Running, deployed.Status);
        Assert.Equal(new[] { a, b }.Order(), deployed.Vms.Select(v => v.Node).Order());
        Assert.Equal(VeStatus.Suspended, (await Sdk.VirtualEnvironments.SuspendAsync(ve)).Status);
        Assert.Equal(VeStatus.Running, (await Sdk.VirtualEnvironments.ResumeAsync(ve)).Status);
        var located = await Sdk.VirtualEnvironments.LocateAsync(ve);
        Assert.All(located.Vms, v => Assert.Equal(("lyon", VmState.Running), (v.Site, v.State)));
        Assert.Contains(ve, (await Sdk.VirtualEnvironments.ListAsync(_tenant)).Ves);
        // Near rennes, where a node has room, but the VE's fence keeps web-1 on a or b.
        await NodeAsync("rennes", "c");
        var relocated = await Sdk.VirtualEnvironments.RelocateAsync(ve, Locality.NearSite("rennes"), vm: "web-1");
        Assert.Contains(relocated.Vm("web-1").Node, new[] { a, b });
        Assert.Equal(VeStatus.Stopped, (await Sdk.VirtualEnvironments.StopAsync(ve, force: true)).Status);
        Assert.All((await Sdk.VirtualEnvironments.StartAsync(ve)).Vms, v => Assert.Equal(VmState.Running, v.State));
        Assert.Equal(VeStatus.Stopped, (await Sdk.VirtualEnvironments.StopAsync(ve, force: true)).Status);

        await Eventually.HoldsAsync(() => { lock (progress) return progress.Any(p => p.Operation == "deploy") && progress.Any(p => p.Operation == "stop"); },
            "deploy and stop progress on the VE's stream");
        await Sdk.VirtualEnvironments.DeleteAsync(ve);
        await Assert.ThrowsAsync<NotFoundException>(() => Sdk.VirtualEnvironments.LocateAsync(ve));
        Assert.DoesNotContain(ve, (await Sdk.VirtualEnvironments.ListAsync(_tenant)).Ves);
        watching.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher);
    }

    [Fact]
    public async Task Errors_are_typed_and_say_what_is_wrong()
    {
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => Sdk.VirtualEnvironments.LocateAsync($"{_tenant}/nothing"));
        Assert.Contains($"'{_tenant}/nothing'", missing.Message);
        var badId = await Assert.ThrowsAsync<ArgumentException>(() => Sdk.VirtualEnvironments.LocateAsync("no-slash"));
        Assert.Contains("no-slash", badId.Message);

        var invalid = await Assert.ThrowsAsync<InvalidVeSpecException>(() =>
            Sdk.VirtualEnvironments.CreateAsync($"{_tenant}/bad", new VeSpec([new VmTemplate("web", 0, 1024)])));
        Assert.Contains("web", invalid.Message);

        var node = await NodeAsync("rennes", "only");
        await Sdk.VirtualEnvironments.CreateAsync($"{_tenant}/two", new VeSpec([new VmTemplate("web", 1, 512, Count: 2)], [new Spread([]), new Fence([], [node])]));
        var unplaceable = await Assert.ThrowsAsync<PlacementFailedException>(() => Sdk.VirtualEnvironments.DeployAsync($"{_tenant}/two", Locality.NearSite("rennes")));
        Assert.Contains("Spread", unplaceable.Message);

        var site = await Assert.ThrowsAsync<NotFoundException>(() => Sdk.Nodes.ListAsync("lyonn"));
        Assert.Contains("did you mean 'lyon'", site.Message);
        var unknownNode = await Assert.ThrowsAsync<NotFoundException>(() => Sdk.Nodes.GetAsync($"rennes/onyl-{_tenant}"));
        Assert.Contains($"did you mean '{node}'", unknownNode.Message);
    }

    [Fact]
    public async Task Calls_honour_cancellation_and_the_call_timeout()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Sdk.Nodes.SitesAsync(cancelled.Token));

        await using var hasty = DiscoveryClient.Attach(fixture.Client, callTimeout: TimeSpan.FromTicks(1));
        var late = await Assert.ThrowsAsync<TimeoutException>(() => hasty.VirtualEnvironments.DeployAsync($"{_tenant}/late", requestId: "r1"));
        Assert.Contains("retry with the same request id", late.Message);
    }

    [Fact]
    public async Task Nodes_are_listed_found_near_a_site_and_drained_and_their_events_can_be_watched()
    {
        var (a, b) = (await NodeAsync("paris", "a"), await NodeAsync("paris", "b"));
        Assert.Equal(SiteClusterFixture.Sites.Order(), (await Sdk.Nodes.SitesAsync()).Select(s => s.Name));
        var paris = await Sdk.Nodes.ListAsync("paris");
        Assert.Contains(paris, l => l.Node == a);
        Assert.All(paris, l => Assert.StartsWith("paris/", l.Node));
        Assert.Equal(new Abstractions.Nodes.Resources(8, 16384, NodeSpec.DefaultDiskGiB), (await Sdk.Nodes.GetAsync(a)).Spec!.Capacity);

        await Eventually.HoldsAsync(async () =>
            (await Sdk.Nodes.NearestAsync(NearestTarget.OfSite("paris"), k: 2)).Nodes.All(n => n.Node.StartsWith("paris/", StringComparison.Ordinal)),
            "the nodes nearest paris to be paris' own");

        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<DiscoveryEvent>();
        var watcher = Task.Run(async () =>
        {
            await foreach (var e in Sdk.Events.WatchAsync(["paris"], cancellationToken: watching.Token))
            {
                lock (seen)
                    seen.Add(e);
            }
        });
        // The subscription is in place once a status change of b comes through.
        await Eventually.HoldsAsync(async () =>
        {
            await Sdk.Nodes.MaintenanceAsync(b);
            await Sdk.Nodes.UpAsync(b);
            lock (seen)
                return seen.OfType<NodeStatusChanged>().Any(e => e.Node == b);
        }, "the watcher to see paris' events");
        var vm = fixture.Client.GetGrain<IVmGrain>($"{_tenant}/solo");
        await vm.DefineAsync(new VmSpec(1, 512), a);
        await vm.StartAsync();

        Assert.Equal(NodeStatus.Maintenance, (await Sdk.Nodes.MaintenanceAsync(b)).Status);
        Assert.Equal(NodeStatus.Up, (await Sdk.Nodes.UpAsync(b)).Status);
        var report = await Sdk.Nodes.DrainAsync(a);

        Assert.True(report.Complete, string.Join("; ", report.Vms.Select(v => v.Problem)));
        Assert.Equal(NodeStatus.Maintenance, (await Sdk.Nodes.GetAsync(a)).Status);
        Assert.Equal(NodeStatus.Up, (await Sdk.Nodes.UpAsync(a)).Status);
        await Eventually.HoldsAsync(() => { lock (seen) return seen.OfType<NodeDrainProgress>().Any(p => p.Node == a && p.Done == 1); },
            "the drain's progress on paris' event stream");
        lock (seen)
            Assert.DoesNotContain(seen, e => e is CoordinateChanged);
        watching.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher);
    }
}
