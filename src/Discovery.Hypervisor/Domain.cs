using Discovery.Hypervisor.Native;

namespace Discovery.Hypervisor;

/// <summary>A libvirt domain (a VM) on one connection. Disposing it frees the handle, not the VM.</summary>
public sealed class Domain : IDisposable
{
    private readonly LibvirtConnection _connection;
    private readonly DomainHandle _handle;

    internal Domain(LibvirtConnection connection, DomainHandle handle)
    {
        _connection = connection;
        _handle = handle;
        // Read once, here: every libvirt call clears the thread's last error, so asking for the name while reporting
        // a failed call would lose the error being reported.
        Name = LibvirtNative.ReadString(LibvirtNative.virDomainGetName(_handle)) ?? throw Libvirt.LastError("virDomainGetName");
    }

    /// <summary>The domain's name.</summary>
    public string Name { get; }

    /// <summary>The connection (host) the domain is on.</summary>
    public LibvirtConnection Connection => _connection;

    /// <summary>The domain's UUID.</summary>
    public unsafe Guid Uuid
    {
        get
        {
            var buffer = stackalloc byte[37];
            Libvirt.Check(LibvirtNative.virDomainGetUUIDString(_handle, buffer), "virDomainGetUUIDString");
            return Guid.Parse(new ReadOnlySpan<byte>(buffer, 36));
        }
    }

    /// <summary>Boots a defined domain.</summary>
    public void Create() => Libvirt.Check(LibvirtNative.virDomainCreate(_handle), $"starting {Name}");

    /// <summary>Pauses a running domain in memory.</summary>
    public void Suspend() => Libvirt.Check(LibvirtNative.virDomainSuspend(_handle), $"suspending {Name}");

    /// <summary>Continues a paused domain.</summary>
    public void Resume() => Libvirt.Check(LibvirtNative.virDomainResume(_handle), $"resuming {Name}");

    /// <summary>Asks the guest to shut down (ACPI); with the test driver it stops at once.</summary>
    public void Shutdown() => Libvirt.Check(LibvirtNative.virDomainShutdown(_handle), $"shutting down {Name}");

    /// <summary>Stops the domain at once, like pulling the plug.</summary>
    public void Destroy() => Libvirt.Check(LibvirtNative.virDomainDestroy(_handle), $"destroying {Name}");

    /// <summary>Removes the domain's definition, with its snapshot metadata and managed save image.</summary>
    public void Undefine() => Libvirt.Check(
        LibvirtNative.virDomainUndefineFlags(_handle, LibvirtNative.UndefineSnapshotsMetadata | LibvirtNative.UndefineManagedSave),
        $"undefining {Name}");

    /// <summary>The domain's state and resources.</summary>
    public DomainInfo GetInfo()
    {
        Libvirt.Check(LibvirtNative.virDomainGetInfo(_handle, out var info), "virDomainGetInfo");
        return new DomainInfo((DomainState)info.State, (long)info.MaxMemoryKiB / 1024, (long)info.MemoryKiB / 1024,
            info.VirtualCpus, TimeSpan.FromTicks((long)(info.CpuTimeNs / 100)));
    }

    /// <summary>The domain's current state.</summary>
    public DomainState State => GetInfo().State;

    /// <summary>The domain's XML description.</summary>
    public string GetXml() => LibvirtNative.TakeString(LibvirtNative.virDomainGetXMLDesc(_handle, 0)) ?? throw Libvirt.LastError("virDomainGetXMLDesc");

    /// <summary>Saves the running domain's memory to <paramref name="file"/> and stops it; <see cref="LibvirtConnection.RestoreDomain(string)"/> brings it back.</summary>
    public void Save(string file) => Libvirt.Check(LibvirtNative.virDomainSave(_handle, file), $"saving {Name} to {file}");

    /// <summary>Sets the domain's current memory.</summary>
    public void SetMemory(long memoryMiB) => Libvirt.Check(LibvirtNative.virDomainSetMemory(_handle, (nuint)(memoryMiB * 1024)), $"setting the memory of {Name}");

    /// <summary>Sets the domain's active vCPUs.</summary>
    public void SetVcpus(int vcpus) => Libvirt.Check(LibvirtNative.virDomainSetVcpus(_handle, (uint)vcpus), $"setting the vCPUs of {Name}");

    /// <summary>Takes a snapshot called <paramref name="name"/>.</summary>
    public void CreateSnapshot(string name, string? description = null)
    {
        var xml = new System.Xml.Linq.XElement("domainsnapshot",
            new System.Xml.Linq.XElement("name", name),
            description is null ? null : new System.Xml.Linq.XElement("description", description));
        using var snapshot = Libvirt.Check(LibvirtNative.virDomainSnapshotCreateXML(_handle, xml.ToString(), 0), $"snapshotting {Name}");
    }

    /// <summary>The names of the domain's snapshots.</summary>
    public unsafe IReadOnlyList<string> ListSnapshots()
    {
        var count = LibvirtNative.virDomainListAllSnapshots(_handle, out var array, 0);
        Libvirt.Check(count, $"listing the snapshots of {Name}");
        try
        {
            var names = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                names.Add(LibvirtNative.ReadString(LibvirtNative.virDomainSnapshotGetName(array[i])) ?? "");
                LibvirtNative.virDomainSnapshotFree(array[i]);
            }
            return names;
        }
        finally
        {
            LibvirtNative.Free((nint)array);
        }
    }

    /// <summary>Returns the domain to the state of snapshot <paramref name="name"/>.</summary>
    public void RevertToSnapshot(string name)
    {
        using var snapshot = LookupSnapshot(name);
        Libvirt.Check(LibvirtNative.virDomainRevertToSnapshot(snapshot, 0), $"reverting {Name} to {name}");
    }

    /// <summary>Deletes snapshot <paramref name="name"/>.</summary>
    public void DeleteSnapshot(string name)
    {
        using var snapshot = LookupSnapshot(name);
        Libvirt.Check(LibvirtNative.virDomainSnapshotDelete(snapshot, 0), $"deleting snapshot {name} of {Name}");
    }

    /// <summary>
    /// Live-migrates the domain to <paramref name="target"/>, keeping it defined there and removing it here. Throws
    /// <see cref="LibvirtException"/> with <see cref="LibvirtErrorCode.NoSupport"/> where the driver cannot migrate.
    /// </summary>
    public Domain Migrate(LibvirtConnection target)
    {
        const uint flags = LibvirtNative.MigrateLive | LibvirtNative.MigratePersistDest | LibvirtNative.MigrateUndefineSource;
        return new Domain(target, Libvirt.Check(LibvirtNative.virDomainMigrate(_handle, target.Handle, flags, null, null, 0), $"migrating {Name}"));
    }

    private SnapshotHandle LookupSnapshot(string name) =>
        Libvirt.Check(LibvirtNative.virDomainSnapshotLookupByName(_handle, name, 0), $"looking up snapshot {name} of {Name}");

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}

/// <summary>What libvirt reports of a domain.</summary>
/// <param name="State">Its state.</param>
/// <param name="MaxMemoryMiB">Its maximum memory.</param>
/// <param name="MemoryMiB">Its current memory.</param>
/// <param name="Vcpus">Its virtual CPUs.</param>
/// <param name="CpuTime">CPU time used.</param>
public sealed record DomainInfo(DomainState State, long MaxMemoryMiB, long MemoryMiB, int Vcpus, TimeSpan CpuTime);

/// <summary>virDomainState.</summary>
public enum DomainState
{
    /// <summary>No state.</summary>
    NoState = 0,

    /// <summary>Running.</summary>
    Running = 1,

    /// <summary>Blocked on a resource.</summary>
    Blocked = 2,

    /// <summary>Paused by the user.</summary>
    Paused = 3,

    /// <summary>Being shut down.</summary>
    Shutdown = 4,

    /// <summary>Shut off (defined, not running).</summary>
    Shutoff = 5,

    /// <summary>Crashed.</summary>
    Crashed = 6,

    /// <summary>Suspended by guest power management.</summary>
    PMSuspended = 7,
}
