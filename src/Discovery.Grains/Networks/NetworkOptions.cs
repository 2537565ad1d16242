using Discovery.Network.Addressing;

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

    /// <summary>Null when usable, else which key is wrong and why.</summary>
    public string? Validate()
    {
        try
        {
            _ = new SubnetPool(Ipv4Subnet.Parse(TenantPool), VePrefixLength);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            return $"Networks: TenantPool '{TenantPool}' with VePrefixLength {VePrefixLength}: {e.Message}";
        }
    }

    /// <summary>The pool these options describe.</summary>
    public SubnetPool CreatePool() => new(Ipv4Subnet.Parse(TenantPool), VePrefixLength);
}
