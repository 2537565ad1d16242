using Discovery.Hypervisor.Native;

namespace Discovery.Hypervisor;

/// <summary>A libvirt virtual network (a bridge VMs' interfaces join) on one connection. Disposing it frees the handle, not the network.</summary>
public sealed class VirtualNetwork : IDisposable
{
    private readonly NetworkHandle _handle;

    internal VirtualNetwork(NetworkHandle handle)
    {
        _handle = handle;
        Name = LibvirtNative.ReadString(LibvirtNative.virNetworkGetName(_handle)) ?? throw Libvirt.LastError("virNetworkGetName");
    }

    /// <summary>The network's name.</summary>
    public string Name { get; }

    /// <summary>Whether the network is running (its bridge exists).</summary>
    public bool IsActive
    {
        get
        {
            var active = LibvirtNative.virNetworkIsActive(_handle);
            Libvirt.Check(active, $"asking whether network {Name} is active");
            return active == 1;
        }
    }

    /// <summary>Starts a defined network.</summary>
    public void Create() => Libvirt.Check(LibvirtNative.virNetworkCreate(_handle), $"starting network {Name}");

    /// <summary>Stops the network; its definition stays.</summary>
    public void Destroy() => Libvirt.Check(LibvirtNative.virNetworkDestroy(_handle), $"stopping network {Name}");

    /// <summary>Removes the network's definition.</summary>
    public void Undefine() => Libvirt.Check(LibvirtNative.virNetworkUndefine(_handle), $"undefining network {Name}");

    /// <summary>The network's XML description.</summary>
    public string GetXml() => LibvirtNative.TakeString(LibvirtNative.virNetworkGetXMLDesc(_handle, 0)) ?? throw Libvirt.LastError("virNetworkGetXMLDesc");

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
