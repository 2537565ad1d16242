using Microsoft.Win32.SafeHandles;

namespace Discovery.Hypervisor.Native;

/// <summary>A virConnectPtr, closed when released.</summary>
internal sealed class ConnectionHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => LibvirtNative.virConnectClose(handle) >= 0;
}

/// <summary>A virDomainPtr, freed when released (freeing does not affect the domain itself).</summary>
internal sealed class DomainHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    internal DomainHandle(nint existing) : this() => SetHandle(existing);

    protected override bool ReleaseHandle() => LibvirtNative.virDomainFree(handle) == 0;
}

/// <summary>A virDomainSnapshotPtr, freed when released.</summary>
internal sealed class SnapshotHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => LibvirtNative.virDomainSnapshotFree(handle) == 0;
}

/// <summary>A virNetworkPtr, freed when released (freeing does not affect the network itself).</summary>
internal sealed class NetworkHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    internal NetworkHandle(nint existing) : this() => SetHandle(existing);

    protected override bool ReleaseHandle() => LibvirtNative.virNetworkFree(handle) == 0;
}
