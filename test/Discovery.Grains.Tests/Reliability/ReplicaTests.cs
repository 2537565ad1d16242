using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Reliability;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Reliability;

/// <summary>
/// ha: replica — a standby kept on a node of another site, its capacity held and each snapshot's chunks copied to its
/// site; promoted when the primary's node is lost, after which another standby is chosen.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplicaTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private string Tenant => $"replica-{_test}";

    private IVmGrain Db => fixture.Client.GetGrain<IVmGrain>($"{Tenant}/app/db");

    private INodeGrain Node(string id) => fixture.Client.GetGrain<INodeGrain>(id);

    // A second rennes node the VE may use, registered only when a test wants it.
    private string SecondRennes => $"rennes/rep2-{_test}";

    // One node on each site; the VE may use only those (and the second rennes node), and is deployed on the rennes one.
    private async Task<(string Rennes, string Lyon, string Paris, IVeGrain Ve)> DeployAsync()
    {
        var (rennes, lyon, paris) = ($"rennes/rep-{_test}", $"lyon/rep-{_test}", $"paris/rep-{_test}");
        foreach (var node in new[] { rennes, lyon, paris })
            await Node(node).RegisterAsync(new NodeSpec(4, 4096));
        var ve = fixture.Client.GetGrain<IVeGrain>($"{Tenant}/app");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("db", 1, 512, Ha: HaMode.Replica)], [new Fence([], [rennes, SecondRennes, lyon, paris])], SnapshotEveryMinutes: 60), "c1");
        await ve.DeployAsync("d1", Locality.NearNode(rennes));
        Assert.Equal(rennes, (await Db.GetInfoAsync()).Node);
        return (rennes, lyon, paris, ve);
    }

    private async Task<IReadOnlyList<string>> HeldBy(string node) => (await Node(node).GetInfoAsync()).Vms ?? [];

    [Fact]
    public async Task A_replica_keeps_a_standby_on_another_site_with_its_capacity_held_there()
    {
        var (rennes, _, _, _) = await DeployAsync();

        var standby = (await Db.GetInfoAsync()).Standby;

        Assert.NotNull(standby);
        Assert.NotEqual("rennes", NodeId.Parse(standby).Site);
        Assert.Contains(Db.GetPrimaryKeyString(), await HeldBy(standby));
        Assert.Contains(Db.GetPrimaryKeyString(), await HeldBy(rennes));
        Assert.DoesNotContain(await Node(standby).GetDomainsAsync(), d => d.Name == VmId.Parse(Db.GetPrimaryKeyString()).DomainName);
    }

    [Fact]
    public async Task The_standby_is_promoted_from_the_latest_snapshot_when_the_primary_node_is_lost_and_another_is_chosen()
    {
        var (rennes, _, _, _) = await DeployAsync();
        var standby = (await Db.GetInfoAsync()).Standby!;
        await fixture.Client.GetGrain<IVmRecoveryGrain>(Db.GetPrimaryKeyString()).SnapshotAsync();
        var images = await fixture.Client.GetGrain<IImageDirectoryGrain>(0).ListAsync();
        var image = (await Task.WhenAll(images.Select(n => fixture.Client.GetGrain<IImageGrain>(n).GetDetailsAsync())))
            .OfType<ImageDetails>().Single(d => d.Owner == Tenant).Name;
        var chunks = (await fixture.Client.GetGrain<IImageGrain>(image).GetManifestAsync())!.Chunks.Select(c => c.Id).ToList();
        Assert.Empty(await fixture.Client.GetGrain<ISiteChunkStoreGrain>(NodeId.Parse(standby).Site).MissingAsync(chunks)); // copied ahead
        // Placement would now restart db next to its requester, on this node: the standby is promoted instead.
        await Node(SecondRennes).RegisterAsync(new NodeSpec(4, 4096));

        await Node(rennes).FailAsync();

        await Eventually.HoldsAsync(async () => (await Db.GetInfoAsync()) is { State: VmState.Running } info && info.Node == standby,
            $"db to run on its standby {standby}");
        var promoted = await Db.GetInfoAsync();
        Assert.Equal((1L, image), (promoted.Generation, promoted.RestoredFrom));
        await Eventually.HoldsAsync(async () => (await Db.GetInfoAsync()).Standby is { } next && NodeId.Parse(next).Site != NodeId.Parse(standby).Site,
            $"a new standby on another site than {standby}");
        Assert.Contains(Db.GetPrimaryKeyString(), await HeldBy((await Db.GetInfoAsync()).Standby!));
    }

    [Fact]
    public async Task Deleting_the_ve_releases_the_standby()
    {
        var (rennes, _, _, ve) = await DeployAsync();
        var standby = (await Db.GetInfoAsync()).Standby!;

        await ve.DeleteAsync("x1");

        Assert.Empty(await HeldBy(standby));
        Assert.Empty(await HeldBy(rennes));
    }

    [Fact]
    public async Task A_replica_without_snapshots_is_refused_naming_the_vm()
    {
        var ve = fixture.Client.GetGrain<IVeGrain>($"{Tenant}/bad");

        var e = await Assert.ThrowsAsync<InvalidVeSpecException>(() =>
            ve.ConfigureAsync(new VeSpec([new VmTemplate("db", 1, 512, Ha: HaMode.Replica)]), "c1"));

        Assert.Contains("VM 'db' has ha: Replica", e.Message);
        Assert.Contains("snapshotEveryMinutes", e.Message);
    }
}
