using System.Net;

namespace Discovery.Network.Overlay;

/// <summary>What a host has of one VE's overlay, as read from <c>ip link</c> and <c>bridge fdb</c>.</summary>
/// <param name="BridgeExists">Whether the VE's bridge <c>dvVNI</c> is a kernel device here.</param>
/// <param name="DeviceExists">Whether the VXLAN device <c>vxVNI</c> exists.</param>
/// <param name="DeviceMaster">The bridge the VXLAN device is a port of, if any.</param>
/// <param name="FloodTargets">The underlay addresses of the device's all-zero-MAC (flooding) entries.</param>
public sealed record VxlanHostState(bool BridgeExists, bool DeviceExists, string? DeviceMaster, IReadOnlySet<IPAddress> FloodTargets)
{
    /// <summary>A host with nothing of the overlay.</summary>
    public static readonly VxlanHostState Empty = new(false, false, null, new HashSet<IPAddress>());
}
