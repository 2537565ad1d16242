namespace Discovery.Hypervisor.Tests;

/// <summary>A libvirt test-driver host of its own, in a temporary directory removed at the end.</summary>
internal sealed class TestHost : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("discovery-hv-").FullName;

    public TestHost(int cpus = 8, long memoryMiB = 16384)
    {
        Uri = NodeXml.Write(Path.Combine(_directory, "node.xml"), cpus, memoryMiB, "hypervisor test host");
        Connection = LibvirtConnection.Open(Uri);
    }

    public string Uri { get; }

    public LibvirtConnection Connection { get; }

    public string StateDirectory => Path.Combine(_directory, "state");

    public Domain Define(string name, int vcpus = 1, long memoryMiB = 256) =>
        Connection.DefineDomain(DomainXml.Build(new DomainSpec(name, vcpus, memoryMiB), HypervisorKind.Test));

    public void Dispose()
    {
        Connection.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
