using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Discovery.Hypervisor.Native;

/// <summary>
/// The libvirt C API calls this binding uses (libvirt.so.0, Debian's libvirt0). Signatures follow libvirt-host.h,
/// libvirt-domain.h, libvirt-domain-snapshot.h, libvirt-network.h and virterror.h; strings are UTF-8.
/// </summary>
internal static unsafe partial class LibvirtNative
{
    private const string Library = "libvirt.so.0";

    [LibraryImport(Library)] internal static partial int virInitialize();
    [LibraryImport(Library)] internal static partial void virSetErrorFunc(nint userData, delegate* unmanaged[Cdecl]<nint, nint, void> handler);
    [LibraryImport(Library)] internal static partial nint virGetLastError();
    [LibraryImport(Library)] internal static partial void virResetLastError();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial ConnectionHandle virConnectOpen(string name);
    [LibraryImport(Library)] internal static partial int virConnectClose(nint connection);
    [LibraryImport(Library)] internal static partial int virNodeGetInfo(ConnectionHandle connection, out VirNodeInfo info);
    [LibraryImport(Library)] internal static partial nint virConnectGetType(ConnectionHandle connection);
    [LibraryImport(Library)] internal static partial nint virConnectGetHostname(ConnectionHandle connection);
    [LibraryImport(Library)] internal static partial int virConnectListAllDomains(ConnectionHandle connection, out nint* domains, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial DomainHandle virDomainDefineXML(ConnectionHandle connection, string xml);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial DomainHandle virDomainLookupByName(ConnectionHandle connection, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainRestore(ConnectionHandle connection, string from);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainRestoreFlags(ConnectionHandle connection, string from, string? dxml, uint flags);
    [LibraryImport(Library)] internal static partial int virDomainFree(nint domain);
    [LibraryImport(Library)] internal static partial int virDomainCreate(DomainHandle domain);
    [LibraryImport(Library)] internal static partial int virDomainSuspend(DomainHandle domain);
    [LibraryImport(Library)] internal static partial int virDomainResume(DomainHandle domain);
    [LibraryImport(Library)] internal static partial int virDomainShutdown(DomainHandle domain);
    [LibraryImport(Library)] internal static partial int virDomainDestroy(DomainHandle domain);
    [LibraryImport(Library)] internal static partial int virDomainUndefineFlags(DomainHandle domain, uint flags);
    [LibraryImport(Library)] internal static partial int virDomainGetInfo(DomainHandle domain, out VirDomainInfo info);
    [LibraryImport(Library)] internal static partial nint virDomainGetName(DomainHandle domain);
    [LibraryImport(Library)] internal static partial int virDomainGetUUIDString(DomainHandle domain, byte* buffer);
    [LibraryImport(Library)] internal static partial nint virDomainGetXMLDesc(DomainHandle domain, uint flags);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int virDomainSave(DomainHandle domain, string to);
    [LibraryImport(Library)] internal static partial int virDomainSetMemory(DomainHandle domain, nuint memoryKiB);
    [LibraryImport(Library)] internal static partial int virDomainSetVcpus(DomainHandle domain, uint vcpus);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainMigrate(DomainHandle domain, ConnectionHandle target, nuint flags, string? newName, string? uri, nuint bandwidth);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial SnapshotHandle virDomainSnapshotCreateXML(DomainHandle domain, string xml, uint flags);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial SnapshotHandle virDomainSnapshotLookupByName(DomainHandle domain, string name, uint flags);
    [LibraryImport(Library)] internal static partial int virDomainListAllSnapshots(DomainHandle domain, out nint* snapshots, uint flags);
    [LibraryImport(Library)] internal static partial nint virDomainSnapshotGetName(nint snapshot);
    [LibraryImport(Library)] internal static partial int virDomainRevertToSnapshot(SnapshotHandle snapshot, uint flags);
    [LibraryImport(Library)] internal static partial int virDomainSnapshotDelete(SnapshotHandle snapshot, uint flags);
    [LibraryImport(Library)] internal static partial int virDomainSnapshotFree(nint snapshot);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial NetworkHandle virNetworkDefineXML(ConnectionHandle connection, string xml);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial NetworkHandle virNetworkLookupByName(ConnectionHandle connection, string name);
    [LibraryImport(Library)] internal static partial int virConnectListAllNetworks(ConnectionHandle connection, out nint* networks, uint flags);
    [LibraryImport(Library)] internal static partial int virNetworkCreate(NetworkHandle network);
    [LibraryImport(Library)] internal static partial int virNetworkDestroy(NetworkHandle network);
    [LibraryImport(Library)] internal static partial int virNetworkUndefine(NetworkHandle network);
    [LibraryImport(Library)] internal static partial int virNetworkIsActive(NetworkHandle network);
    [LibraryImport(Library)] internal static partial nint virNetworkGetName(NetworkHandle network);
    [LibraryImport(Library)] internal static partial nint virNetworkGetXMLDesc(NetworkHandle network, uint flags);
    [LibraryImport(Library)] internal static partial int virNetworkFree(nint network);

    [LibraryImport("libc", EntryPoint = "free")] internal static partial void Free(nint pointer);

    /// <summary>virNodeInfo: unsigned long is 64-bit on Linux x64, so memory is a nuint.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirNodeInfo
    {
        public fixed byte Model[32];
        public nuint MemoryKiB;
        public uint Cpus;
        public uint Mhz;
        public uint Nodes;
        public uint Sockets;
        public uint Cores;
        public uint Threads;
    }

    /// <summary>virDomainInfo.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirDomainInfo
    {
        public byte State;
        public nuint MaxMemoryKiB;
        public nuint MemoryKiB;
        public ushort VirtualCpus;
        public ulong CpuTimeNs;
    }

    /// <summary>The first fields of virError, which is all this binding reads.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct VirErrorHead
    {
        public int Code;
        public int Domain;
        public nint Message;
    }

    /// <summary>The domain-undefine flags used here.</summary>
    internal const uint UndefineManagedSave = 1, UndefineSnapshotsMetadata = 2;

    /// <summary>virDomainMigrate flags: live, keep the domain defined on the target, remove it from the source.</summary>
    internal const uint MigrateLive = 1, MigratePersistDest = 8, MigrateUndefineSource = 16;

    internal static string? ReadString(nint pointer) => pointer == 0 ? null : Marshal.PtrToStringUTF8(pointer);

    /// <summary>Reads and frees a string that libvirt allocated for the caller.</summary>
    internal static string? TakeString(nint pointer)
    {
        try
        {
            return ReadString(pointer);
        }
        finally
        {
            if (pointer != 0)
                Free(pointer);
        }
    }

    // libvirt prints every error to stderr unless an error function is installed; errors are read from
    // virGetLastError right after each failing call instead.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static void IgnoreError(nint userData, nint error)
    {
    }
}
