using Discovery.Abstractions.Networks;
using Discovery.Network.Addressing;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Networks;

[Collection(ClusterCollection.Name)]
public sealed class TenantNetworkTests(SiteClusterFixture fixture)
{
    private readonly string _tenant = $"tenant-{Guid.NewGuid():N}"[..15];

    private ITenantNetworkGrain Ipam => fixture.Client.GetGrain<ITenantNetworkGrain>(_tenant);

    [Fact]
    public async Task Each_ve_of_a_tenant_gets_its_own_subnet_and_vni_and_asking_again_changes_nothing()
    {
        var shop = await Ipam.AllocateAsync($"{_tenant}/shop");
        var blog = await Ipam.AllocateAsync($"{_tenant}/blog");

        Assert.False(Ipv4Subnet.Parse(shop.Subnet).Overlaps(Ipv4Subnet.Parse(blog.Subnet)));
        Assert.NotEqual(shop.Vni, blog.Vni);
        Assert.InRange(shop.Vni, VniPool.First, VniPool.Last);
        Assert.Equal(Ipv4Subnet.Parse(shop.Subnet).Address(1).ToString(), shop.Gateway);
        Assert.Equal(shop, await Ipam.AllocateAsync($"{_tenant}/shop") with { Addresses = shop.Addresses });
        Assert.Equal(shop.Subnet, (await Ipam.GetAsync($"{_tenant}/shop"))!.Subnet);
    }

    [Fact]
    public async Task A_vm_keeps_its_address_and_two_vms_never_share_one()
    {
        var ve = $"{_tenant}/three-tier";
        var web1 = await Ipam.AddressOfAsync(ve, "web-1");
        var web2 = await Ipam.AddressOfAsync(ve, "web-2");

        Assert.NotEqual(web1, web2);
        Assert.Equal(web1, await Ipam.AddressOfAsync(ve, "web-1"));
        var network = (await Ipam.GetAsync(ve))!;
        Assert.Equal(new Dictionary<string, string> { ["web-1"] = web1, ["web-2"] = web2 }, network.Addresses);
        Assert.StartsWith(network.Subnet[..network.Subnet.LastIndexOf('.')], web1);
    }

    [Fact]
    public async Task A_released_ves_subnet_is_given_to_the_next_ve()
    {
        var first = await Ipam.AllocateAsync($"{_tenant}/a");
        await Ipam.AllocateAsync($"{_tenant}/b");
        await Ipam.ReleaseAsync($"{_tenant}/a");
        await Ipam.ReleaseAsync($"{_tenant}/a");

        Assert.Null(await Ipam.GetAsync($"{_tenant}/a"));
        Assert.Equal(first.Subnet, (await Ipam.AllocateAsync($"{_tenant}/c")).Subnet);
    }

    [Fact]
    public async Task Another_tenants_ve_is_refused_with_both_names()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Ipam.AllocateAsync("someone-else/shop"));
        Assert.Contains("someone-else/shop", e.Message);
        Assert.Contains(_tenant, e.Message);
    }
}
