using System.Net;
using System.Text.RegularExpressions;

namespace Discovery.Network.Overlay;

/// <summary>
/// The commands that give a host its part of a VE's VXLAN overlay: the VE's bridge <c>dvVNI</c> (libvirt's on a real
/// host; made here when it is no kernel device, as with libvirt's test driver), a VXLAN device <c>vxVNI</c> over the
/// host's underlay address as a port of that bridge, and head-end replication — one all-zero-MAC forwarding entry per
/// other host of the VE, so broadcast and unknown unicast reach every one of them. The device learns the remote MACs
/// from the frames it receives (the kernel's default), so known unicast goes to one host only; a VM that moved is
/// learned at its new host with its first frame. Each plan is computed from what the host already has, so applying
/// it again changes nothing: a device that exists is left alone, an entry that is there is not appended twice.
/// </summary>
public sealed partial class VxlanOverlay
{
    /// <summary>The IANA port of VXLAN.</summary>
    public const int DefaultPort = 4789;

    /// <summary>The MTU of a VE's bridge: 1500 less the 50 bytes of VXLAN over IPv4, as the libvirt network has.</summary>
    public const int BridgeMtu = 1450;

    private const string FloodMac = "00:00:00:00:00:00";

    /// <summary>An overlay endpoint on the host whose underlay address is <paramref name="local"/>.</summary>
    public VxlanOverlay(IPAddress local, int port = DefaultPort)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Local = local;
        Port = port;
    }

    /// <summary>This host's underlay address: the VXLAN device's source, never a flooding target.</summary>
    public IPAddress Local { get; }

    /// <summary>The UDP port of the overlay.</summary>
    public int Port { get; }

    /// <summary>The VE's bridge, <c>dvVNI</c> (the bridge of libvirt network <c>ve-VNI</c>).</summary>
    public static string BridgeName(int vni) => $"dv{CheckVni(vni)}";

    /// <summary>The VE's VXLAN device, <c>vxVNI</c>.</summary>
    public static string DeviceName(int vni) => $"vx{CheckVni(vni)}";

    /// <summary>Reads whether <paramref name="device"/> exists (exit status 0) and, on one line, its master.</summary>
    public static OverlayCommand ShowLink(string device) => OverlayCommand.Ip("-o", "link", "show", "dev", device);

    /// <summary>Reads the forwarding entries of the VE's VXLAN device.</summary>
    public static OverlayCommand ShowForwarding(int vni) => OverlayCommand.Bridge("fdb", "show", "dev", DeviceName(vni));

    /// <summary>The host's state from the queries' outputs (null: the query failed, i.e. the device does not exist).</summary>
    public static VxlanHostState Observe(string? bridgeLink, string? deviceLink, string? forwarding) => new(
        bridgeLink is not null,
        deviceLink is not null,
        deviceLink is null ? null : MasterOf(deviceLink),
        deviceLink is null || forwarding is null ? new HashSet<IPAddress>() : FloodTargetsOf(forwarding));

    /// <summary>
    /// The commands that make the host's overlay of <paramref name="vni"/> flood to exactly <paramref name="remotes"/>
    /// (this host's own address and duplicates are ignored), given what the host has now.
    /// </summary>
    public IReadOnlyList<OverlayCommand> Converge(int vni, IEnumerable<IPAddress> remotes, VxlanHostState observed)
    {
        ArgumentNullException.ThrowIfNull(remotes);
        ArgumentNullException.ThrowIfNull(observed);
        var (bridge, device) = (BridgeName(vni), DeviceName(vni));
        var commands = new List<OverlayCommand>();
        if (!observed.BridgeExists)
        {
            commands.Add(OverlayCommand.Ip("link", "add", bridge, "mtu", $"{BridgeMtu}", "type", "bridge"));
            commands.Add(OverlayCommand.Ip("link", "set", bridge, "up"));
        }
        if (!observed.DeviceExists)
            commands.Add(OverlayCommand.Ip("link", "add", device, "type", "vxlan", "id", $"{vni}", "local", $"{Local}", "dstport", $"{Port}"));
        if (!observed.DeviceExists || observed.DeviceMaster != bridge)
            commands.Add(OverlayCommand.Ip("link", "set", device, "master", bridge, "up"));

        var wanted = remotes.Where(r => !r.Equals(Local)).Distinct().ToList();
        var present = observed.DeviceExists ? observed.FloodTargets : new HashSet<IPAddress>();
        commands.AddRange(wanted.Where(r => !present.Contains(r)).OrderBy(r => r.ToString(), StringComparer.Ordinal)
            .Select(r => OverlayCommand.Bridge("fdb", "append", FloodMac, "dev", device, "dst", $"{r}")));
        commands.AddRange(present.Where(r => !wanted.Contains(r)).OrderBy(r => r.ToString(), StringComparer.Ordinal)
            .Select(r => OverlayCommand.Bridge("fdb", "del", FloodMac, "dev", device, "dst", $"{r}")));
        return commands;
    }

    /// <summary>
    /// The commands that take the host out of the overlay of <paramref name="vni"/>: its VXLAN device goes (with its
    /// entries). The bridge stays, as the node keeps the VE's libvirt network.
    /// </summary>
    public static IReadOnlyList<OverlayCommand> Remove(int vni, VxlanHostState observed) =>
        observed.DeviceExists ? [OverlayCommand.Ip("link", "del", DeviceName(vni))] : [];

    /// <summary>The underlay addresses of the all-zero-MAC entries in <c>bridge fdb show dev vxVNI</c>'s output.</summary>
    public static IReadOnlySet<IPAddress> FloodTargetsOf(string forwarding)
    {
        var targets = new HashSet<IPAddress>();
        foreach (var line in forwarding.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var dst = Array.IndexOf(words, "dst");
            if (words.Length > 0 && words[0] == FloodMac && dst > 0 && dst + 1 < words.Length && IPAddress.TryParse(words[dst + 1], out var address))
                targets.Add(address);
        }
        return targets;
    }

    /// <summary>The master of a device in <c>ip -o link show</c>'s line, or null.</summary>
    public static string? MasterOf(string link) => MasterPattern().Match(link) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"\bmaster (\S+)")]
    private static partial Regex MasterPattern();

    private static int CheckVni(int vni) =>
        vni is >= 1 and <= 0xFFFFFF ? vni : throw new ArgumentOutOfRangeException(nameof(vni), vni, "a VNI is between 1 and 16777215");
}
