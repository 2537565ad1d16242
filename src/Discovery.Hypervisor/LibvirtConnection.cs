using Discovery.Hypervisor.Native;

namespace Discovery.Hypervisor;

/// <summary>
/// A connection to one hypervisor (<c>qemu:///system</c>, <c>test:///default</c>, <c>test:///path/node.xml</c>, …).
/// libvirt connections are thread-safe, so one connection serves every caller. With the test driver, each open of a
/// <c>test:///path/node.xml</c> URI is a fresh, independent host whose domains are lost when it is closed: keep the
/// connection open for as long as the node lives.
/// </summary>
public sealed class LibvirtConnection : IDisposable
{
    private readonly ConnectionHandle _handle;

    private LibvirtConnection(string uri, ConnectionHandle handle)
    {
        Uri = uri;
        _handle = handle;
        DriverType = LibvirtNative.ReadString(LibvirtNative.virConnectGetType(handle)) ?? "unknown";
    }

    /// <summary>The URI this connection was opened with.</summary>
    public string Uri { get; }

    /// <summary>libvirt's name of the driver ("Test", "QEMU", …).</summary>
    public string DriverType { get; }

    /// <summary>
    /// Whether domains can be live-migrated between two connections of this driver. libvirt's test driver has no
    /// migration: moves between test hosts are cold (save, move the state, restore).
    /// </summary>
    public bool SupportsMigration => !IsTestDriver;

    /// <summary>libvirt's in-process test driver (<c>test:///…</c>): domains without disks or processes.</summary>
    public bool IsTestDriver => string.Equals(DriverType, "Test", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens a connection; throws <see cref="LibvirtException"/> with libvirt's reason when it cannot.</summary>
    public static LibvirtConnection Open(string uri)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        Libvirt.EnsureInitialized();
        return new LibvirtConnection(uri, Libvirt.Check(LibvirtNative.virConnectOpen(uri), $"opening {uri}"));
    }

    /// <summary>The host's CPUs and memory as the hypervisor reports them.</summary>
    public unsafe HostInfo GetNodeInfo()
    {
        Libvirt.Check(LibvirtNative.virNodeGetInfo(_handle, out var info), "virNodeGetInfo");
        var model = new string((sbyte*)info.Model).TrimEnd('\0');
        return new HostInfo(model, (int)info.Cpus, (long)info.MemoryKiB / 1024, (int)info.Mhz,
            (int)info.Nodes, (int)info.Sockets, (int)info.Cores, (int)info.Threads);
    }

    /// <summary>The hypervisor host's name.</summary>
    public string Hostname => LibvirtNative.TakeString(LibvirtNative.virConnectGetHostname(_handle)) ?? throw Libvirt.LastError("virConnectGetHostname");

    /// <summary>Every domain of the host, running or only defined. Dispose each one.</summary>
    public unsafe IReadOnlyList<Domain> ListAllDomains()
    {
        var count = LibvirtNative.virConnectListAllDomains(_handle, out var array, 0);
        Libvirt.Check(count, "virConnectListAllDomains");
        try
        {
            var domains = new List<Domain>(count);
            for (var i = 0; i < count; i++)
                domains.Add(new Domain(this, new DomainHandle(array[i])));
            return domains;
        }
        finally
        {
            LibvirtNative.Free((nint)array);
        }
    }

    /// <summary>Defines (or redefines) a persistent domain from its XML.</summary>
    public Domain DefineDomain(string xml)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xml);
        return new Domain(this, Libvirt.Check(LibvirtNative.virDomainDefineXML(_handle, xml), "virDomainDefineXML"));
    }

    /// <summary>The domain called <paramref name="name"/>; throws <see cref="LibvirtException"/> (<see cref="LibvirtErrorCode.NoDomain"/>) when there is none.</summary>
    public Domain LookupDomain(string name) =>
        new(this, Libvirt.Check(LibvirtNative.virDomainLookupByName(_handle, name), $"looking up domain {name}"));

    /// <summary>The domain called <paramref name="name"/>, or null when there is none.</summary>
    public Domain? TryLookupDomain(string name)
    {
        var handle = LibvirtNative.virDomainLookupByName(_handle, name);
        if (!handle.IsInvalid)
            return new Domain(this, handle);
        handle.Dispose();
        var error = Libvirt.LastError($"looking up domain {name}");
        return error.Code == LibvirtErrorCode.NoDomain ? null : throw error;
    }

    /// <summary>Restores a domain saved with <see cref="Domain.Save"/>; it comes back running.</summary>
    public void RestoreDomain(string stateFile) =>
        Libvirt.Check(LibvirtNative.virDomainRestore(_handle, stateFile), $"restoring {stateFile}");

    /// <summary>
    /// Restores a domain saved on another host, with <paramref name="xml"/> (this host's definition of it: its disk
    /// paths, its network) in place of the one saved with it. libvirt's test driver cannot alter a saved definition,
    /// and has no disks to find: there the saved one is used.
    /// </summary>
    public void RestoreDomain(string stateFile, string xml) =>
        Libvirt.Check(IsTestDriver
            ? LibvirtNative.virDomainRestore(_handle, stateFile)
            : LibvirtNative.virDomainRestoreFlags(_handle, stateFile, xml, 0), $"restoring {stateFile}");

    /// <summary>Defines (or redefines) a persistent virtual network from its XML (<see cref="NetworkXml"/>); it starts inactive.</summary>
    public VirtualNetwork DefineNetwork(string xml)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xml);
        return new VirtualNetwork(Libvirt.Check(LibvirtNative.virNetworkDefineXML(_handle, xml), "virNetworkDefineXML"));
    }

    /// <summary>The network called <paramref name="name"/>, or null when there is none.</summary>
    public VirtualNetwork? TryLookupNetwork(string name)
    {
        var handle = LibvirtNative.virNetworkLookupByName(_handle, name);
        if (!handle.IsInvalid)
            return new VirtualNetwork(handle);
        handle.Dispose();
        var error = Libvirt.LastError($"looking up network {name}");
        return error.Code == LibvirtErrorCode.NoNetwork ? null : throw error;
    }

    /// <summary>Every virtual network of the host, active or only defined. Dispose each one.</summary>
    public unsafe IReadOnlyList<VirtualNetwork> ListAllNetworks()
    {
        var count = LibvirtNative.virConnectListAllNetworks(_handle, out var array, 0);
        Libvirt.Check(count, "virConnectListAllNetworks");
        try
        {
            var networks = new List<VirtualNetwork>(count);
            for (var i = 0; i < count; i++)
                networks.Add(new VirtualNetwork(new NetworkHandle(array[i])));
            return networks;
        }
        finally
        {
            LibvirtNative.Free((nint)array);
        }
    }

    internal ConnectionHandle Handle => _handle;

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}

/// <summary>A hypervisor host's resources.</summary>
/// <param name="Model">CPU model.</param>
/// <param name="Cpus">Active CPUs.</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
/// <param name="Mhz">CPU frequency.</param>
/// <param name="NumaNodes">NUMA nodes.</param>
/// <param name="Sockets">Sockets per NUMA node.</param>
/// <param name="Cores">Cores per socket.</param>
/// <param name="Threads">Threads per core.</param>
public sealed record HostInfo(string Model, int Cpus, long MemoryMiB, int Mhz, int NumaNodes, int Sockets, int Cores, int Threads);
