namespace Discovery.Hypervisor.Tests;

public sealed class DomainTests
{
    [LibvirtFact]
    public void A_domain_goes_through_start_suspend_resume_shutdown_and_undefine()
    {
        using var host = new TestHost();
        using var domain = host.Define("life", vcpus: 2, memoryMiB: 512);
        Assert.Equal(DomainState.Shutoff, domain.State);

        domain.Create();
        Assert.Equal(DomainState.Running, domain.State);
        domain.Suspend();
        Assert.Equal(DomainState.Paused, domain.State);
        domain.Resume();
        Assert.Equal(DomainState.Running, domain.State);
        var info = domain.GetInfo();
        domain.Shutdown();
        Assert.Equal(DomainState.Shutoff, domain.State);
        domain.Undefine();

        Assert.Equal((2, 512L), (info.Vcpus, info.MaxMemoryMiB));
        Assert.Null(host.Connection.TryLookupDomain("life"));
    }

    [LibvirtFact]
    public void Starting_a_running_domain_is_an_invalid_operation()
    {
        using var host = new TestHost();
        using var domain = host.Define("twice");
        domain.Create();

        var error = Assert.Throws<LibvirtException>(() => domain.Create());

        // Drivers disagree on the code (the test driver says InternalError,
        // qemu says OperationInvalid); what matters is libvirt's own message
        // and that the domain was left as it was.
        Assert.Contains("running", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(DomainState.Running, domain.GetInfo().State);
    }

    [LibvirtFact]
    public void Suspending_a_stopped_domain_is_an_invalid_operation()
    {
        using var host = new TestHost();
        using var domain = host.Define("asleep");

        var error = Assert.Throws<LibvirtException>(() => domain.Suspend());

        Assert.Contains("not running", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(DomainState.Shutoff, domain.GetInfo().State);
    }

    [LibvirtFact]
    public void Destroy_stops_a_domain_at_once()
    {
        using var host = new TestHost();
        using var domain = host.Define("plug");
        domain.Create();

        domain.Destroy();

        Assert.Equal(DomainState.Shutoff, domain.State);
    }

    [LibvirtFact]
    public void Save_and_restore_bring_a_domain_back_running()
    {
        using var host = new TestHost();
        using var domain = host.Define("saved");
        domain.Create();
        Directory.CreateDirectory(host.StateDirectory);
        var file = Path.Combine(host.StateDirectory, "saved.state");

        domain.Save(file);
        Assert.Equal(DomainState.Shutoff, domain.State);
        host.Connection.RestoreDomain(file);

        Assert.Equal(DomainState.Running, domain.State);
    }

    [LibvirtFact]
    public void Snapshots_are_created_listed_reverted_and_deleted()
    {
        using var host = new TestHost();
        using var domain = host.Define("snap");
        domain.Create();

        domain.CreateSnapshot("before", "taken while running");
        domain.Suspend();
        domain.CreateSnapshot("paused");
        Assert.Equal(["before", "paused"], domain.ListSnapshots().Order());
        domain.RevertToSnapshot("before");
        Assert.Equal(DomainState.Running, domain.State);
        domain.DeleteSnapshot("paused");

        Assert.Equal(["before"], domain.ListSnapshots());
        Assert.Equal(LibvirtErrorCode.NoDomainSnapshot, Assert.Throws<LibvirtException>(() => domain.RevertToSnapshot("paused")).Code);
    }

    [LibvirtFact]
    public void The_domain_xml_round_trips_name_uuid_vcpus_and_memory()
    {
        using var host = new TestHost();
        var uuid = Guid.NewGuid();
        using var domain = host.Connection.DefineDomain(DomainXml.Build(new DomainSpec("xml", 3, 768, Uuid: uuid), HypervisorKind.Test));

        var xml = domain.GetXml();

        Assert.Equal(uuid, domain.Uuid);
        Assert.Contains("<name>xml</name>", xml);
        Assert.Contains("<vcpu placement='static'>3</vcpu>", xml);
    }

    [LibvirtFact]
    public void Memory_and_vcpus_can_be_changed()
    {
        using var host = new TestHost();
        using var domain = host.Connection.DefineDomain(DomainXml.Build(new DomainSpec("resize", 4, 1024), HypervisorKind.Test));
        domain.Create();

        domain.SetMemory(512);
        domain.SetVcpus(2);

        var info = domain.GetInfo();
        Assert.Equal((512L, 2), (info.MemoryMiB, info.Vcpus));
    }

    [LibvirtFact]
    public void Migration_between_test_hosts_is_not_supported_by_libvirt()
    {
        using var a = new TestHost();
        using var b = new TestHost();
        using var domain = a.Define("nolive");
        domain.Create();

        var error = Assert.Throws<LibvirtException>(() => domain.Migrate(b.Connection));

        Assert.Equal(LibvirtErrorCode.NoSupport, error.Code);
    }
}
