using System.Net;
using Discovery.Network.Overlay;

namespace Discovery.Network.Tests.Overlay;

public sealed class OverlayMembershipTests
{
    private const string Lyon = "10.98.0.11", Rennes = "10.98.0.12", Lille = "10.98.0.13";

    [Fact]
    public void Joining_twice_from_the_same_host_changes_nothing()
    {
        var members = OverlayMembership.Join([], "lyon/n1", Lyon);

        Assert.Same(members, OverlayMembership.Join(members, "lyon/n1", Lyon));
        Assert.Single(members);
    }

    [Fact]
    public void Leaving_when_no_member_changes_nothing()
    {
        IReadOnlyList<OverlayMember> members = [new("lyon/n1", Lyon)];

        Assert.Same(members, OverlayMembership.Leave(members, "rennes/n1"));
    }

    [Fact]
    public void Nodes_of_one_silo_share_one_flooding_entry_and_keep_it_until_the_last_of_them_leaves()
    {
        var members = OverlayMembership.Join([], "lyon/n1", Lyon);
        members = OverlayMembership.Join(members, "rennes/n1", Rennes);
        members = OverlayMembership.Join(members, "rennes/n2", Rennes);

        Assert.Equal([Rennes], OverlayMembership.FloodingOf(members, Lyon));
        Assert.Equal([Rennes], OverlayMembership.FloodingOf(OverlayMembership.Leave(members, "rennes/n1"), Lyon));
        Assert.Empty(OverlayMembership.FloodingOf(OverlayMembership.Leave(OverlayMembership.Leave(members, "rennes/n1"), "rennes/n2"), Lyon));
    }

    [Fact]
    public void A_host_with_no_member_floods_nowhere()
    {
        IReadOnlyList<OverlayMember> members = [new("lyon/n1", Lyon), new("rennes/n1", Rennes)];

        Assert.Empty(OverlayMembership.FloodingOf(members, Lille));
    }

    [Fact]
    public void A_change_is_told_to_one_node_per_other_host_including_hosts_whose_last_member_left()
    {
        IReadOnlyList<OverlayMember> before = [new("lyon/n1", Lyon), new("lyon/n2", Lyon), new("rennes/n1", Rennes), new("lille/n1", Lille)];
        var joined = new OverlayMember("lille/n2", Lille);

        Assert.Equal(["lyon/n1", "rennes/n1"], OverlayMembership.ToNotify(before, OverlayMembership.Join(before, joined.Node, joined.Underlay), joined));
        var left = before[2];
        Assert.Equal(["lyon/n1", "lille/n1"], OverlayMembership.ToNotify(before, OverlayMembership.Leave(before, left.Node), left));
    }

    // Every host applies the membership after each change (as the agents do when told): its flooding entries are the
    // other hosts of the VE, no more, and a host whose last member left has no device.
    [Fact]
    public void Hosts_follow_joins_and_leaves_with_the_right_fdb_adds_and_removes()
    {
        var hosts = new[] { Lyon, Rennes, Lille }.ToDictionary(a => a, _ => new VxlanOverlayTests.FakeHost());
        IReadOnlyList<OverlayMember> members = [];
        var log = new List<string>();

        void Apply(IReadOnlyList<OverlayMember> now)
        {
            members = now;
            foreach (var (address, host) in hosts)
            {
                var overlay = new VxlanOverlay(IPAddress.Parse(address));
                var commands = members.Any(m => m.Underlay == address)
                    ? overlay.Converge(4100, OverlayMembership.FloodingOf(members, address).Select(IPAddress.Parse), host.State(4100))
                    : VxlanOverlay.Remove(4100, host.State(4100));
                log.AddRange(commands.Where(c => c.Program == "bridge" || c.Arguments[1] == "del").Select(c => $"{address}: {c}"));
                host.Run(commands);
            }
        }

        Apply(OverlayMembership.Join(members, "lyon/n1", Lyon));
        Apply(OverlayMembership.Join(members, "rennes/n1", Rennes));
        Apply(OverlayMembership.Join(members, "lille/n1", Lille));
        Apply(OverlayMembership.Leave(members, "rennes/n1"));

        Assert.Equal([
            $"{Lyon}: bridge fdb append 00:00:00:00:00:00 dev vx4100 dst {Rennes}",
            $"{Rennes}: bridge fdb append 00:00:00:00:00:00 dev vx4100 dst {Lyon}",
            $"{Lyon}: bridge fdb append 00:00:00:00:00:00 dev vx4100 dst {Lille}",
            $"{Rennes}: bridge fdb append 00:00:00:00:00:00 dev vx4100 dst {Lille}",
            $"{Lille}: bridge fdb append 00:00:00:00:00:00 dev vx4100 dst {Lyon}",
            $"{Lille}: bridge fdb append 00:00:00:00:00:00 dev vx4100 dst {Rennes}",
            $"{Lyon}: bridge fdb del 00:00:00:00:00:00 dev vx4100 dst {Rennes}",
            $"{Rennes}: ip link del vx4100",
            $"{Lille}: bridge fdb del 00:00:00:00:00:00 dev vx4100 dst {Rennes}",
        ], log);
    }
}
