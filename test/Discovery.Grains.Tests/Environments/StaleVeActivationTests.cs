using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Environments;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Discovery.Grains.Tests.Environments;

/// <summary>
/// Orleans' default grain directory can keep two activations of one grain while silos die. The chaos suite found a VE
/// deleted through one of them while the other, holding the record it had read before, kept answering Running. Each
/// test does to storage and to the VMs what the other activation did, behind the back of the one the test calls.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StaleVeActivationTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private static string Req() => Guid.NewGuid().ToString("N");

    private IGrainStorage Storage => fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.State);

    private async Task<(IVeGrain Ve, VeInfo Deployed)> DeployedAsync()
    {
        await fixture.Client.GetGrain<INodeGrain>($"paris/twin-{_test}").RegisterAsync(new NodeSpec(4, 8192));
        var ve = fixture.Client.GetGrain<IVeGrain>($"tenant-{_test}/twin");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512, Count: 2)]), Req());
        return (ve, await ve.DeployAsync(Req(), Locality.NearSite("paris")));
    }

    [Fact]
    public async Task An_activation_whose_ve_was_deleted_by_its_twin_reads_storage_again_and_answers_that_it_is_gone()
    {
        var (ve, deployed) = await DeployedAsync();
        Assert.Equal(VeStatus.Running, deployed.Status);

        // The twin's deletion: the VMs go, then the VE's record.
        foreach (var vm in deployed.Vms)
        {
            var grain = fixture.Client.GetGrain<IVmGrain>($"tenant-{_test}/twin/{vm.Vm}");
            await grain.StopAsync(force: true);
            await grain.DeleteAsync();
        }
        var stored = new GrainState<VeRecord>();
        await Storage.ReadStateAsync("ve", ve.GetGrainId(), stored);
        await Storage.ClearStateAsync("ve", ve.GetGrainId(), stored);

        var info = await ve.LocateAsync();

        Assert.Equal(VeStatus.None, info.Status);
        Assert.Empty(info.Vms);
    }
}
