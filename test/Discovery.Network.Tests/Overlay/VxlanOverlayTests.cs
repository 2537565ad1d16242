using System.Net;
using Discovery.Network.Overlay;

namespace Discovery.Network.Tests.Overlay;

public sealed class VxlanOverlayTests
{
    private static readonly IPAddress Lyon = IPAddress.Parse("10.98.0.11");
    private static readonly IPAddress Rennes = IPAddress.Parse("10.98.0.12");
    private static readonly IPAddress Lille = IPAddress.Parse("10.98.0.13");
    private readonly VxlanOverlay _lyon = new(Lyon);

    [Fact]
    public void A_bare_host_gets_a_bridge_a_vxlan_port_on_it_and_one_flooding_entry_per_other_host()
    {
        var commands = _lyon.Converge(4096, [Rennes, Lille], VxlanHostState.Empty).Select(c => c.ToString()).ToList();

        Assert.Equal([
            "ip link add dv4096 mtu 1450 type bridge",
            "ip link set dv4096 up",
            "ip link add vx4096 type vxlan id 4096 local 10.98.0.11 dstport 4789",
            "ip link set vx4096 master dv4096 up",
            "bridge fdb append 00:00:00:00:00:00 dev vx4096 dst 10.98.0.12",
            "bridge fdb append 00:00:00:00:00:00 dev vx4096 dst 10.98.0.13",
        ], commands);
    }

    [Fact]
    public void On_a_real_host_the_vxlan_device_joins_libvirts_bridge_which_is_not_made_again()
    {
        var libvirtBridge = VxlanHostState.Empty with { BridgeExists = true };

        var commands = _lyon.Converge(4096, [Rennes], libvirtBridge).Select(c => c.ToString()).ToList();

        Assert.DoesNotContain(commands, c => c.Contains("type bridge", StringComparison.Ordinal));
        Assert.Contains("ip link set vx4096 master dv4096 up", commands);
    }

    [Fact]
    public void A_host_that_already_has_it_all_is_left_alone()
    {
        var done = new VxlanHostState(true, true, "dv4096", new HashSet<IPAddress> { Rennes, Lille });

        Assert.Empty(_lyon.Converge(4096, [Lille, Rennes, Rennes], done));
    }

    [Fact]
    public void Applying_a_plan_then_planning_again_gives_nothing_to_do()
    {
        var host = new FakeHost();
        host.Run(_lyon.Converge(7, [Rennes], host.State(7)));
        host.Run(_lyon.Converge(7, [Rennes, Lille], host.State(7)));

        Assert.Empty(_lyon.Converge(7, [Rennes, Lille], host.State(7)));
        Assert.Equal(new HashSet<IPAddress> { Rennes, Lille }, host.State(7).FloodTargets);
    }

    [Fact]
    public void An_entry_already_there_is_not_appended_twice_and_one_no_longer_wanted_is_deleted()
    {
        var observed = new VxlanHostState(true, true, "dv4096", new HashSet<IPAddress> { Rennes });

        var commands = _lyon.Converge(4096, [Lille], observed).Select(c => c.ToString()).ToList();

        Assert.Equal([
            "bridge fdb append 00:00:00:00:00:00 dev vx4096 dst 10.98.0.13",
            "bridge fdb del 00:00:00:00:00:00 dev vx4096 dst 10.98.0.12",
        ], commands);
    }

    [Fact]
    public void The_hosts_own_address_is_never_a_flooding_target()
    {
        var commands = _lyon.Converge(4096, [Lyon, Rennes], VxlanHostState.Empty);

        Assert.DoesNotContain(commands, c => c.ToString().EndsWith("dst 10.98.0.11", StringComparison.Ordinal));
    }

    [Fact]
    public void A_device_outside_its_bridge_is_put_back_without_being_made_again()
    {
        var loose = new VxlanHostState(true, true, null, new HashSet<IPAddress>());

        Assert.Equal(["ip link set vx9 master dv9 up"], _lyon.Converge(9, [], loose).Select(c => c.ToString()));
    }

    [Fact]
    public void Leaving_deletes_the_vxlan_device_only_when_there_is_one_and_keeps_the_bridge()
    {
        Assert.Equal(["ip link del vx9"], VxlanOverlay.Remove(9, new VxlanHostState(true, true, "dv9", new HashSet<IPAddress>())).Select(c => c.ToString()));
        Assert.Empty(VxlanOverlay.Remove(9, VxlanHostState.Empty with { BridgeExists = true }));
    }

    [Fact]
    public void The_flooding_targets_are_read_from_the_all_zero_entries_of_bridge_fdb_show()
    {
        const string output = """
            aa:bb:cc:00:00:02 dst 10.98.0.12 self
            00:00:00:00:00:00 dst 10.98.0.12 self permanent
            00:00:00:00:00:00 dst 10.98.0.13 self permanent
            12:34:56:78:9a:bc master dv4096 permanent
            """;

        Assert.Equal(new HashSet<IPAddress> { Rennes, Lille }, VxlanOverlay.FloodTargetsOf(output));
    }

    [Fact]
    public void The_master_is_read_from_ip_link_show()
    {
        const string line = "7: vx4096: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master dv4096 state UNKNOWN mode DEFAULT group default qlen 1000\\    link/ether 8e:5f:01:02:03:04 brd ff:ff:ff:ff:ff:ff";

        Assert.Equal("dv4096", VxlanOverlay.MasterOf(line));
        Assert.Null(VxlanOverlay.MasterOf("7: vx4096: <BROADCAST,MULTICAST> mtu 1450 qdisc noop state DOWN"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16777216)]
    public void A_vni_outside_24_bits_is_refused(int vni) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => VxlanOverlay.DeviceName(vni));

    /// <summary>A host's links and forwarding entries, changed by the commands as the kernel would.</summary>
    internal sealed class FakeHost
    {
        private readonly HashSet<string> _links = [];
        private readonly Dictionary<string, string> _masters = [];
        private readonly Dictionary<string, List<IPAddress>> _floods = [];

        public VxlanHostState State(int vni)
        {
            var device = VxlanOverlay.DeviceName(vni);
            return new VxlanHostState(_links.Contains(VxlanOverlay.BridgeName(vni)), _links.Contains(device),
                _masters.GetValueOrDefault(device), _floods.TryGetValue(device, out var f) ? f.ToHashSet() : new HashSet<IPAddress>());
        }

        public void Run(IEnumerable<OverlayCommand> commands)
        {
            foreach (var c in commands)
            {
                var a = c.Arguments;
                switch (c.Program, a[0], a[1])
                {
                    case ("ip", "link", "add"):
                        Assert.True(_links.Add(a[2]), $"{c}: the device exists");
                        break;
                    case ("ip", "link", "del"):
                        Assert.True(_links.Remove(a[2]), $"{c}: no such device");
                        _floods.Remove(a[2]);
                        _masters.Remove(a[2]);
                        break;
                    case ("ip", "link", "set") when a.Contains("master"):
                        _masters[a[2]] = a[a.ToList().IndexOf("master") + 1];
                        break;
                    case ("ip", "link", "set"):
                        break;
                    case ("bridge", "fdb", "append"):
                        var list = _floods.TryGetValue(a[4], out var l) ? l : _floods[a[4]] = [];
                        Assert.DoesNotContain(IPAddress.Parse(a[6]), list);
                        list.Add(IPAddress.Parse(a[6]));
                        break;
                    case ("bridge", "fdb", "del"):
                        Assert.True(_floods[a[4]].Remove(IPAddress.Parse(a[6])), $"{c}: no such entry");
                        break;
                    default:
                        throw new InvalidOperationException($"unexpected command {c}");
                }
            }
        }
    }
}
