using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Nodes;
using Discovery.Grains.Reliability;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Reliability;

/// <summary>
/// Snapshots of protected VMs: libvirt saves the VM's state, which is kept as an image of the tenant (content-defined
/// chunks in the sites' stores), and a restart after the VM's node is lost starts from it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SnapshotTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private string Tenant => $"snap-{_test}";

    private IVmGrain Web => fixture.Client.GetGrain<IVmGrain>($"{Tenant}/app/web");

    // A VE of one protected VM, deployed on node a of rennes; node b is where it may go next.
    private async Task<(string A, string B, IVeGrain Ve, IVmRecoveryGrain Web)> DeployAsync()
    {
        var (a, b) = ($"rennes/snap-a-{_test}", $"rennes/snap-b-{_test}");
        foreach (var node in new[] { a, b })
            await fixture.Client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));
        var ve = fixture.Client.GetGrain<IVeGrain>($"{Tenant}/app");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512, Ha: HaMode.Restart)], [new Fence([], [a, b])], SnapshotEveryMinutes: 60), "c1");
        await ve.DeployAsync("d1", Locality.NearNode(a));
        Assert.Equal(a, (await ve.LocateAsync()).Vm("web").Node);
        return (a, b, ve, fixture.Client.GetGrain<IVmRecoveryGrain>($"{Tenant}/app/web"));
    }

    private async Task<IReadOnlyList<ImageDetails>> TenantImagesAsync()
    {
        var names = await fixture.Client.GetGrain<IImageDirectoryGrain>(0).ListAsync();
        var details = await Task.WhenAll(names.Select(n => fixture.Client.GetGrain<IImageGrain>(n).GetDetailsAsync()));
        return details.OfType<ImageDetails>().Where(d => d.Owner == Tenant).ToList();
    }

    [Fact]
    public async Task A_protected_vm_whose_node_is_lost_runs_again_from_its_latest_snapshot()
    {
        var (a, b, _, web) = await DeployAsync();

        var snapshotted = await web.SnapshotAsync();

        Assert.Equal((VmState.Running, a), (snapshotted.State, snapshotted.Node)); // it runs on where it was
        Assert.NotNull(snapshotted.SnapshotAt);
        var image = Assert.Single(await TenantImagesAsync());
        Assert.Equal(NodeGrain.SnapshotFormat, image.Format);

        await fixture.Client.GetGrain<INodeGrain>(a).FailAsync();

        await Eventually.HoldsAsync(async () => (await Web.GetInfoAsync()) is { State: VmState.Running } info && info.Node == b,
            $"web to run again on {b}");
        var restarted = await Web.GetInfoAsync();
        Assert.Equal((1L, image.Name), (restarted.Generation, restarted.RestoredFrom));
    }

    [Fact]
    public async Task A_new_snapshot_replaces_the_previous_one_and_the_snapshot_goes_with_its_ve()
    {
        var (_, _, ve, web) = await DeployAsync();
        await web.SnapshotAsync();
        var first = Assert.Single(await TenantImagesAsync()).Name;

        await web.SnapshotAsync();

        var second = Assert.Single(await TenantImagesAsync()).Name;
        Assert.NotEqual(first, second);
        Assert.Null(await fixture.Client.GetGrain<IImageGrain>(first).GetInfoAsync());

        await ve.DeleteAsync("x1");

        Assert.Empty(await TenantImagesAsync());
    }

    [Fact]
    public async Task A_vm_restarted_without_a_snapshot_starts_from_its_image()
    {
        var (a, b, _, web) = await DeployAsync();

        await fixture.Client.GetGrain<INodeGrain>(a).FailAsync();

        await Eventually.HoldsAsync(async () => (await Web.GetInfoAsync()) is { State: VmState.Running } info && info.Node == b,
            $"web to run again on {b}");
        Assert.Null((await Web.GetInfoAsync()).RestoredFrom);
    }

    // The reminder's first tick comes a whole interval after the deployment: a minute, the shortest.
    [Fact]
    public async Task A_ve_snapshots_its_protected_vms_on_its_own_every_interval()
    {
        var node = $"rennes/tick-{_test}";
        await fixture.Client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 4096));
        var ve = fixture.Client.GetGrain<IVeGrain>($"{Tenant}/ticking");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512, Ha: HaMode.Restart), new VmTemplate("batch", 1, 512)],
            [new Fence([], [node])], SnapshotEveryMinutes: 1), "c1");
        await ve.DeployAsync("d1", Locality.NearNode(node));
        var web = fixture.Client.GetGrain<IVmGrain>($"{Tenant}/ticking/web");

        await Eventually.HoldsAsync(async () => (await web.GetInfoAsync()).SnapshotAt is not null, "web's first snapshot", TimeSpan.FromSeconds(100));

        Assert.Equal(VmState.Running, (await web.GetInfoAsync()).State);
        Assert.Null((await fixture.Client.GetGrain<IVmGrain>($"{Tenant}/ticking/batch").GetInfoAsync()).SnapshotAt); // not protected
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(VeSpec.MaxSnapshotEveryMinutes + 1)]
    public async Task A_snapshot_interval_out_of_range_is_refused_naming_it(int minutes)
    {
        var ve = fixture.Client.GetGrain<IVeGrain>($"{Tenant}/bad");

        var e = await Assert.ThrowsAsync<InvalidVeSpecException>(() =>
            ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512)], SnapshotEveryMinutes: minutes), "c1"));

        Assert.Contains($"snapshotEveryMinutes is {minutes}", e.Message);
        Assert.Equal(VeStatus.None, (await ve.LocateAsync()).Status);
    }
}
