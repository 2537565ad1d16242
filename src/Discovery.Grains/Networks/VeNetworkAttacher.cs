using System.Net;
using System.Xml.Linq;
using Discovery.Abstractions.Networks;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Hypervisor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Networks;

/// <summary>Where a VM's interface goes: its VE's libvirt network on the node, and a MAC derived from its IPAM address.</summary>
/// <param name="Network">The libvirt network, <c>ve-VNI</c>.</param>
/// <param name="Bridge">The node's bridge for it, <c>dvVNI</c> (the VXLAN device of the VE joins it).</param>
/// <param name="Mac">The interface's MAC: 52:54:00 and the last three bytes of the VM's address, so it is stable wherever the VM runs.</param>
/// <param name="Address">The VM's address in the VE's subnet.</param>
public sealed record VmAttachment(string Network, string Bridge, string Mac, string Address);

/// <summary>
/// The node agents' side of VE networking (with <see cref="NetworkOptions.AttachVms"/>): a VM of a VE gets an interface on
/// its VE's libvirt network, which the node defines and starts the first time one of the VE's VMs lands there — before a
/// VM is defined, restored after a cold move, or live-migrated to another host.
/// </summary>
public sealed class VeNetworkAttacher(
    IGrainFactory grains,
    IOptions<NetworkOptions> options,
    VxlanOverlayAgent overlay,
    ILogger<VeNetworkAttacher> logger)
{
    private const string Prefix = "ve-";

    /// <summary>The VM's attachment, or null when VMs are not attached or <paramref name="vm"/> is not part of a VE.</summary>
    public async Task<VmAttachment?> AttachmentOfAsync(VmId vm)
    {
        if (!options.Value.AttachVms || vm.Ve is not { } ve)
            return null;
        var ipam = grains.GetGrain<ITenantNetworkGrain>(vm.Tenant!);
        var address = await ipam.AddressOfAsync(ve, vm.Name);
        var network = await ipam.AllocateAsync(ve);
        var bytes = IPAddress.Parse(address).GetAddressBytes();
        return new VmAttachment(Prefix + network.Vni, $"dv{network.Vni}", $"52:54:00:{bytes[1]:x2}:{bytes[2]:x2}:{bytes[3]:x2}", address);
    }

    /// <summary>Defines and starts the attachment's network on <paramref name="connection"/> unless it is there and running.</summary>
    public static void Ensure(LibvirtConnection connection, string network, string bridge)
    {
        using var existing = connection.TryLookupNetwork(network) ?? connection.DefineNetwork(NetworkXml.Build(new NetworkSpec(network, bridge)));
        if (!existing.IsActive)
            existing.Create();
    }

    /// <summary>Ensures every VE network that <paramref name="domainXml"/>'s interfaces join (before a restore or a migration).</summary>
    public static void EnsureFor(LibvirtConnection connection, string domainXml)
    {
        var networks = XElement.Parse(domainXml).Descendants("interface")
            .Select(i => (string?)i.Element("source")?.Attribute("network"))
            .OfType<string>()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(n.AsSpan(Prefix.Length), out _));
        foreach (var network in networks.Distinct())
            Ensure(connection, network, "dv" + network[Prefix.Length..]);
    }

    /// <summary>
    /// With the VXLAN overlay: the first VM of its VE on <paramref name="node"/> (none of <paramref name="vmsHere"/> is
    /// of its VE) makes the node join the VE's overlay — its libvirt network defined first, so on a real host the
    /// VXLAN device joins libvirt's bridge — and brings its host's device and flooding list to the membership. Throws
    /// <see cref="HypervisorException"/> when the host's part cannot be built, having left again: the VM is refused.
    /// </summary>
    public async Task JoinOverlayAsync(string node, VmId vm, IEnumerable<string> vmsHere, Func<LibvirtConnection> connection)
    {
        if (options.Value.Overlay != OverlayKind.Vxlan || vm.Ve is not { } ve || vmsHere.Any(v => VeOf(v) == ve))
            return;
        var nic = await AttachmentOfAsync(vm) ?? throw new InvalidOperationException($"VM {vm} has no attachment");
        var membership = grains.GetGrain<IVeOverlayGrain>(ve);
        try
        {
            await Task.Run(() => Ensure(connection(), nic.Network, nic.Bridge));
            await overlay.ApplyAsync(await membership.JoinAsync(node, overlay.LocalAddress));
        }
        catch (Exception e) when (e is LibvirtException or OverlayCommandException)
        {
            await LeaveQuietlyAsync(node, ve);
            throw new HypervisorException($"node {node}: the VXLAN overlay of VE {ve} cannot be built here: {e.Message}");
        }
    }

    /// <summary>With the VXLAN overlay: once <paramref name="vm"/> left and none of <paramref name="vmsHere"/> is of its VE, the node leaves the VE's overlay.</summary>
    public async Task LeaveOverlayAsync(string node, VmId vm, IEnumerable<string> vmsHere)
    {
        if (options.Value.Overlay != OverlayKind.Vxlan || vm.Ve is not { } ve || vmsHere.Any(v => VeOf(v) == ve))
            return;
        await LeaveQuietlyAsync(node, ve);
    }

    /// <summary>Brings this host's part of a VE's overlay to <paramref name="view"/>, sent by the VE's overlay grain (failures are logged: nobody waits).</summary>
    public async Task ApplyOverlayAsync(VeOverlayView view)
    {
        if (options.Value.Overlay != OverlayKind.Vxlan)
            return;
        try
        {
            await overlay.ApplyAsync(view);
        }
        catch (OverlayCommandException e)
        {
            logger.LogError("VE {Ve}: this host's part of VXLAN {Vni} could not follow membership {Version}: {Reason}", view.Ve, view.Vni, view.Version, e.Message);
        }
    }

    // Leaving never fails the eviction that triggered it: the VM is gone either way; a host left with a stale
    // device or entry only floods a little too much.
    private async Task LeaveQuietlyAsync(string node, string ve)
    {
        try
        {
            await overlay.ApplyAsync(await grains.GetGrain<IVeOverlayGrain>(ve).LeaveAsync(node));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError("Node {Node} could not leave the VXLAN overlay of VE {Ve}: {Reason}", node, ve, e.Message);
        }
    }

    private static string? VeOf(string vm) => VmId.Parse(vm).Ve;
}
