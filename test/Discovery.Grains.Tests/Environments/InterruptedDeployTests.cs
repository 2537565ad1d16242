using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Environments;

/// <summary>
/// A deployment whose VE silo dies, or whose call to a VM gets no answer, after the VM reserved its node leaves a VM
/// record the VE's record does not place. The chaos suite found a deleted VE that left such a VM behind. Each test
/// defines that VM as the interrupted deployment did, behind the VE's back.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InterruptedDeployTests(SiteClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    private static string Req() => Guid.NewGuid().ToString("N");

    private static readonly VmTemplate Web = new("web", 1, 512, Count: 2);

    private async Task<(IVeGrain Ve, INodeGrain Node, IVmGrain Stray)> ConfiguredWithStrayAsync()
    {
        var node = fixture.Client.GetGrain<INodeGrain>($"paris/stray-{_test}");
        await node.RegisterAsync(new NodeSpec(4, 8192));
        var ve = fixture.Client.GetGrain<IVeGrain>($"tenant-{_test}/stray");
        // Only that node: other tests' nodes share the site.
        await ve.ConfigureAsync(new VeSpec([Web], [new Fence([], [node.GetPrimaryKeyString()])]), Req());
        var stray = fixture.Client.GetGrain<IVmGrain>($"tenant-{_test}/stray/web-1");
        await stray.DefineAsync(Web.Spec, node.GetPrimaryKeyString());
        return (ve, node, stray);
    }

    [Fact]
    public async Task Deleting_the_ve_removes_a_vm_its_interrupted_deployment_reserved_and_the_reservation()
    {
        var (ve, node, stray) = await ConfiguredWithStrayAsync();
        Assert.Contains($"tenant-{_test}/stray/web-1", (await node.GetInfoAsync()).Vms ?? []);

        await ve.DeleteAsync(Req());

        Assert.Equal(VmState.None, (await stray.GetInfoAsync()).State);
        var after = await node.GetInfoAsync();
        Assert.Empty(after.Vms ?? []);
        Assert.Equal(0, after.AllocatedVcpus);
    }

    [Fact]
    public async Task Deploying_again_after_an_interrupted_deployment_succeeds_and_leaves_no_reservation_behind()
    {
        var (ve, node, _) = await ConfiguredWithStrayAsync();

        var deployed = await ve.DeployAsync(Req(), Locality.NearSite("paris"));

        Assert.Equal(VeStatus.Running, deployed.Status);
        Assert.All(deployed.Vms, vm => Assert.Equal(VmState.Running, vm.State));
        var info = await node.GetInfoAsync();
        Assert.Equal(deployed.Vms.Select(v => $"tenant-{_test}/stray/{v.Vm}").Order(), (info.Vms ?? []).Order());
        Assert.Equal(deployed.Vms.Count * Web.Vcpus, info.AllocatedVcpus);
    }

    [Fact]
    public async Task Configuring_a_new_spec_removes_a_vm_the_old_spec_left_reserved()
    {
        var (ve, node, stray) = await ConfiguredWithStrayAsync();

        await ve.ConfigureAsync(new VeSpec([new VmTemplate("db", 1, 512)]), Req());

        Assert.Equal(VmState.None, (await stray.GetInfoAsync()).State);
        Assert.Empty((await node.GetInfoAsync()).Vms ?? []);
    }
}
