using System.Xml.Linq;

namespace Discovery.Hypervisor.Tests;

public sealed class DomainXmlTests
{
    [Theory]
    [InlineData("web<1>&\"x\"", "contains '<'")]
    [InlineData("", "name must be 1 to")]
    [InlineData("a/b", "contains '/'")]
    public void Hostile_or_empty_names_are_refused_before_any_xml_is_built(string name, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => DomainXml.Build(new DomainSpec(name, 1, 256), HypervisorKind.Test));

        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData(0, 256, "vcpus must be at least 1")]
    [InlineData(1, 0, "memory must be at least 1 MiB")]
    public void Impossible_resources_are_refused(int vcpus, long memory, string problem) =>
        Assert.Contains(problem, Assert.Throws<ArgumentException>(() => DomainXml.Build(new DomainSpec("x", vcpus, memory), HypervisorKind.Test)).Message);

    [Fact]
    public void Values_that_reach_the_xml_are_escaped_not_interpreted()
    {
        var xml = DomainXml.Build(new DomainSpec("disk", 1, 256, DiskImage: "/images/a'b\"<c>&d.qcow2", Network: "net'<x>"), HypervisorKind.Kvm);

        var domain = XElement.Parse(xml);
        Assert.Equal("/images/a'b\"<c>&d.qcow2", domain.Element("devices")!.Element("disk")!.Element("source")!.Attribute("file")!.Value);
        Assert.Equal("net'<x>", domain.Element("devices")!.Element("interface")!.Element("source")!.Attribute("network")!.Value);
        Assert.Equal("kvm", domain.Attribute("type")!.Value);
    }

    [Fact]
    public void The_hypervisor_kind_follows_the_uri()
    {
        Assert.Equal(HypervisorKind.Test, DomainXml.KindFor("test:///default"));
        Assert.Equal(HypervisorKind.Kvm, DomainXml.KindFor("qemu:///system"));
    }

    [Fact]
    public void A_kvm_domain_boots_from_its_disk_hears_acpi_shutdown_and_has_a_serial_console()
    {
        var domain = XElement.Parse(DomainXml.Build(new DomainSpec("vm", 2, 1024, DiskImage: "/images/debian.qcow2", Network: "default"), HypervisorKind.Kvm));

        Assert.Equal("hd", domain.Element("os")!.Element("boot")!.Attribute("dev")!.Value);
        Assert.NotNull(domain.Element("features")!.Element("acpi"));
        Assert.Equal("pty", domain.Element("devices")!.Element("console")!.Attribute("type")!.Value);
        Assert.Equal("virtio", domain.Element("devices")!.Element("interface")!.Element("model")!.Attribute("type")!.Value);
        Assert.Equal(("2", "1024"), (domain.Element("vcpu")!.Value, domain.Element("memory")!.Value));
    }
}
