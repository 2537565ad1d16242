namespace Discovery.Hypervisor.Tests;

public sealed class LibvirtConnectionTests
{
    [LibvirtFact]
    public void A_node_file_host_reports_the_declared_cpus_and_memory()
    {
        using var host = new TestHost(cpus: 12, memoryMiB: 24576);

        var info = host.Connection.GetNodeInfo();

        Assert.Equal(12, info.Cpus);
        Assert.Equal(24576, info.MemoryMiB);
        Assert.Equal("TEST", host.Connection.DriverType, ignoreCase: true);
        Assert.False(host.Connection.SupportsMigration);
    }

    [LibvirtFact]
    public void Two_node_files_are_independent_hosts()
    {
        using var a = new TestHost();
        using var b = new TestHost();

        using var defined = a.Define("only-on-a");

        Assert.Contains(a.Connection.ListAllDomains(), d => d.Name == "only-on-a");
        Assert.DoesNotContain(b.Connection.ListAllDomains(), d => d.Name == "only-on-a");
    }

    [LibvirtFact]
    public void Opening_an_unknown_host_file_fails_with_libvirts_message()
    {
        var error = Assert.Throws<LibvirtException>(() => LibvirtConnection.Open("test:///nonexistent/discovery/node.xml"));

        Assert.NotEqual(LibvirtErrorCode.Ok, error.Code);
        Assert.Contains("nonexistent", error.Message);
    }

    [LibvirtFact]
    public void The_default_test_host_answers()
    {
        using var connection = LibvirtConnection.Open("test:///default");

        Assert.True(connection.GetNodeInfo().Cpus > 0);
        Assert.False(string.IsNullOrEmpty(connection.Hostname));
    }

    [LibvirtFact]
    public void Looking_up_an_unknown_domain_says_no_domain()
    {
        using var host = new TestHost();

        var error = Assert.Throws<LibvirtException>(() => host.Connection.LookupDomain("ghost"));

        Assert.Equal(LibvirtErrorCode.NoDomain, error.Code);
        Assert.Null(host.Connection.TryLookupDomain("ghost"));
    }

    [LibvirtFact]
    public void Malformed_domain_xml_is_refused_with_an_xml_error()
    {
        using var host = new TestHost();

        var error = Assert.Throws<LibvirtException>(() => host.Connection.DefineDomain("<domain type='test'><name>x</name"));

        // libvirt reports a parse failure as VIR_ERR_XML_DETAIL, with the parser's own words.
        Assert.Contains(error.Code, new[] { LibvirtErrorCode.XmlError, LibvirtErrorCode.XmlDetail });
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
