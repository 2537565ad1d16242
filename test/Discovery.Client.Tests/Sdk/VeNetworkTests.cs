using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Networks;
using Discovery.Abstractions.Nodes;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Client.Tests.Sdk;

[Collection(SdkCollection.Name)]
public sealed class VeNetworkTests(SdkClusterFixture fixture)
{
    private readonly string _tenant = $"net-{Guid.NewGuid():N}"[..12];

    private async Task<string> NodeAsync(string site, string name)
    {
        var id = $"{site}/{name}-{_tenant}";
        await fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(8, 16384));
        return id;
    }

    [Fact]
    public async Task A_ves_network_survives_suspend_resume_and_relocation_and_is_given_back_when_the_ve_is_deleted()
    {
        var (a, b) = (await NodeAsync("lyon", "a"), await NodeAsync("lyon", "b"));
        var c = await NodeAsync("rennes", "c");
        var ves = fixture.Sdk.VirtualEnvironments;
        var ve = $"{_tenant}/shop";
        await ves.CreateAsync(ve, new VeSpec([new VmTemplate("web", 1, 1024, Count: 2)], [new Spread([]), new Fence([], [a, b, c])]));
        await ves.DeployAsync(ve, Locality.NearSite("lyon"));

        var before = await ves.NetworkAsync(ve);
        Assert.Equal(["web-1", "web-2"], before.Addresses.Keys.Order());
        await ves.SuspendAsync(ve);
        await ves.ResumeAsync(ve);
        var moved = await ves.RelocateAsync(ve, Locality.NearSite("rennes"), vm: "web-1");
        Assert.Equal(c, moved.Vm("web-1").Node);
        var after = await ves.NetworkAsync(ve);

        Assert.Equal((before.Subnet, before.Vni), (after.Subnet, after.Vni));
        Assert.Equal(before.Addresses, after.Addresses);

        await ves.DeleteAsync(ve);
        Assert.Null(await fixture.Client.GetGrain<ITenantNetworkGrain>(_tenant).GetAsync(ve));
    }
}
