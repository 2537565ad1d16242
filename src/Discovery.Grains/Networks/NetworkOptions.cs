using System.Net;
using System.Net.Sockets;
using Discovery.Network.Addressing;
using Discovery.Network.Overlay;

namespace Discovery.Grains.Networks;

/// <summary>How VEs' private networks are numbered (section <c>Discovery:Networks</c>).</summary>
public sealed class NetworkOptions
{
    /// <summary>Every tenant's pool: VEs of one tenant never overlap; different tenants are isolated by VNI, so pools may repeat.</summary>
    public string TenantPool { get; set; } = "10.128.0.0/12";

    /// <summary>The prefix length of a VE's subnet (24: 253 VMs).</summary>
    public int VePrefixLength { get; set; } = 24;

    /// <summary>
    /// Whether node agents give each VM of a VE an interface on its VE's libvirt network (defined on the node on first
    /// use). Off by default: it costs two IPAM calls per VM placed, and one tenant's IPAM grain serialises them.
    /// </summary>
    public bool AttachVms { get; set; }

    /// <summary>
    /// How the VMs of a VE on different hosts reach each other: <see cref="OverlayKind.None"/> (the default: each
    /// host's VE network stays local) or <see cref="OverlayKind.Vxlan"/> (node agents build a VXLAN device per VE on
    /// their silo's host, flooding to the other hosts of the VE; needs root, iproute2 and <see cref="AttachVms"/>).
    /// </summary>
    public OverlayKind Overlay { get; set; } = OverlayKind.None;

    /// <summary>
    /// With <see cref="OverlayKind.Vxlan"/>: this silo's underlay address, the source of its VXLAN traffic and where
    /// the other hosts send theirs (in the emulated backbone, the site's WAN address). Every node agent of the silo uses it.
    /// </summary>
    public string? OverlayLocalAddress { get; set; }

    /// <summary>The UDP port of the VXLAN overlay (4789, IANA's), the same on every silo.</summary>
    public int OverlayPort { get; set; } = VxlanOverlay.DefaultPort;

    /// <summary>Null when usable, else which key is wrong and why.</summary>
    public string? Validate()
    {
        try
        {
            _ = new SubnetPool(Ipv4Subnet.Parse(TenantPool), VePrefixLength);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            return $"Networks: TenantPool '{TenantPool}' with VePrefixLength {VePrefixLength}: {e.Message}";
        }
        return ValidateOverlay();
    }

    private string? ValidateOverlay()
    {
        if (!Enum.IsDefined(Overlay))
            return $"Networks: Overlay '{Overlay}' is not one of {string.Join(", ", Enum.GetNames<OverlayKind>())}";
        if (Overlay == OverlayKind.None)
            return null;
        if (!AttachVms)
            return "Networks: Overlay Vxlan needs AttachVms=true (the overlay carries the VMs' interfaces on their VE's network)";
        if (string.IsNullOrWhiteSpace(OverlayLocalAddress))
            return "Networks: OverlayLocalAddress is required with Overlay Vxlan: this silo's underlay IPv4 address (e.g. its WAN address)";
        if (!IPAddress.TryParse(OverlayLocalAddress, out var local) || local.AddressFamily != AddressFamily.InterNetwork)
            return $"Networks: OverlayLocalAddress '{OverlayLocalAddress}' is not an IPv4 address";
        if (OverlayPort is < 1 or > 65535)
            return $"Networks: OverlayPort {OverlayPort} is not a UDP port (1-65535)";
        return null;
    }

    /// <summary>The pool these options describe.</summary>
    public SubnetPool CreatePool() => new(Ipv4Subnet.Parse(TenantPool), VePrefixLength);
}

/// <summary>How the VMs of one VE on different hosts are joined (<see cref="NetworkOptions.Overlay"/>).</summary>
public enum OverlayKind
{
    /// <summary>No overlay: a VE's network is local to each host.</summary>
    None,

    /// <summary>A VXLAN device per VE and host, with head-end replication to the VE's other hosts.</summary>
    Vxlan,
}
