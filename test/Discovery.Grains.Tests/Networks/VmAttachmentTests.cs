using System.Xml.Linq;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Networks;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Hypervisors;
using Discovery.Grains.Networks;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Discovery.Grains.Tests.Networks;

/// <summary>A cluster of its own, with node agents that attach VMs to their VE's network.</summary>
[Collection(OwnClusterCollection.Name)]
public sealed class VmAttachmentTests : IAsyncLifetime
{
    private readonly AttachingCluster _cluster = new();
    private readonly string _tenant = $"att-{Guid.NewGuid():N}"[..12];

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_vm_of_a_ve_gets_an_interface_on_its_ves_libvirt_network_on_every_node_it_runs_on()
    {
        var client = _cluster.Client;
        var (lyon, rennes) = ($"lyon/a-{_tenant}", $"rennes/b-{_tenant}");
        await client.GetGrain<INodeGrain>(lyon).RegisterAsync(new NodeSpec(8, 16384));
        await client.GetGrain<INodeGrain>(rennes).RegisterAsync(new NodeSpec(8, 16384));
        var ve = client.GetGrain<IVeGrain>($"{_tenant}/shop");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 1024)], [new Fence([], [lyon, rennes])]), "configure");
        await ve.DeployAsync("deploy", Locality.NearSite("lyon"));
        var network = await client.GetGrain<ITenantNetworkGrain>(_tenant).GetAsync($"{_tenant}/shop");
        Assert.NotNull(network);
        var address = network.Addresses["web"];

        AssertAttached(lyon, $"{_tenant}.shop.web", $"ve-{network.Vni}", address);
        await client.GetGrain<IVmGrain>($"{_tenant}/shop/web").MigrateAsync(rennes);
        AssertAttached(rennes, $"{_tenant}.shop.web", $"ve-{network.Vni}", address);
    }

    private void AssertAttached(string node, string domainName, string networkName, string address)
    {
        var site = node.Split('/')[0];
        var silo = _cluster.Cluster.Silos.Single(s => _cluster.SiteOfSilo[s.Name] == site);
        var info = _cluster.Client.GetGrain<INodeGrain>(node).GetInfoAsync().GetAwaiter().GetResult();
        var connection = silo.ServiceProvider.GetRequiredService<HypervisorPool>().Connect(info.LibvirtUri!);

        using var network = connection.TryLookupNetwork(networkName);
        Assert.NotNull(network);
        Assert.True(network.IsActive);
        using var domain = connection.LookupDomain(domainName);
        var nic = XElement.Parse(domain.GetXml()).Descendants("interface").Single();
        Assert.Equal(networkName, nic.Element("source")?.Attribute("network")?.Value);
        var bytes = System.Net.IPAddress.Parse(address).GetAddressBytes();
        Assert.Equal($"52:54:00:{bytes[1]:x2}:{bytes[2]:x2}:{bytes[3]:x2}", nic.Element("mac")?.Attribute("address")?.Value);
    }

    private sealed class AttachingCluster : SiteClusterFixture
    {
        protected override void ConfigureSilo(string site, ISiloBuilder silo) =>
            silo.Services.Configure<NetworkOptions>(o => o.AttachVms = true);
    }
}
