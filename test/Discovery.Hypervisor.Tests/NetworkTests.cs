using System.Xml.Linq;

namespace Discovery.Hypervisor.Tests;

public sealed class NetworkTests
{
    [LibvirtFact]
    public void A_ve_network_is_defined_started_listed_stopped_and_undefined_through_libvirts_network_api()
    {
        using var host = new TestHost();
        var name = $"ve-{Guid.NewGuid():N}"[..20];

        using (var network = host.Connection.DefineNetwork(NetworkXml.Build(new NetworkSpec(name, "dv4097"))))
        {
            Assert.False(network.IsActive);
            network.Create();
            Assert.True(network.IsActive);
            var xml = XElement.Parse(network.GetXml());
            Assert.Equal("dv4097", xml.Element("bridge")?.Attribute("name")?.Value);
            Assert.Equal("1450", xml.Element("mtu")?.Attribute("size")?.Value);
        }

        Assert.Contains(name, Names(host.Connection));
        using (var found = host.Connection.TryLookupNetwork(name)!)
        {
            found.Destroy();
            Assert.False(found.IsActive);
            found.Undefine();
        }
        Assert.DoesNotContain(name, Names(host.Connection));
        Assert.Null(host.Connection.TryLookupNetwork(name));
    }

    [LibvirtFact]
    public void A_domain_joins_the_ve_network_by_name()
    {
        using var host = new TestHost();
        using var network = host.Connection.DefineNetwork(NetworkXml.Build(new NetworkSpec("ve-join", "dv4098")));
        network.Create();

        using var domain = host.Connection.DefineDomain(DomainXml.Build(new DomainSpec("vm-on-ve", 1, 256, Network: "ve-join", MacAddress: "52:54:00:00:00:01"), HypervisorKind.Test));
        domain.Create();

        var source = XElement.Parse(domain.GetXml()).Descendants("interface").Single().Element("source");
        Assert.Equal("ve-join", source?.Attribute("network")?.Value);
    }

    [Fact]
    public void Network_xml_escapes_nothing_into_markup_and_refuses_bad_names()
    {
        Assert.Contains("bridge '", Assert.Throws<ArgumentException>(() => NetworkXml.Build(new NetworkSpec("ok", "br<x/>"))).Message);
        Assert.Contains("name '", Assert.Throws<ArgumentException>(() => NetworkXml.Build(new NetworkSpec("a'b", "br0"))).Message);
        Assert.Contains("15", Assert.Throws<ArgumentException>(() => NetworkXml.Build(new NetworkSpec("ok", "a-bridge-name-too-long"))).Message);
        Assert.Contains("mtu", Assert.Throws<ArgumentException>(() => NetworkXml.Build(new NetworkSpec("ok", "br0", Mtu: 100))).Message);
    }

    private static List<string> Names(LibvirtConnection connection)
    {
        var networks = connection.ListAllNetworks();
        try
        {
            return networks.Select(n => n.Name).ToList();
        }
        finally
        {
            foreach (var n in networks)
                n.Dispose();
        }
    }
}
