using System.Net;
using Discovery.Grains.Networks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Discovery.Grains.Tests.Networks;

public sealed class VxlanOverlayAgentTests
{
    private const string Here = "10.98.0.11", There = "10.98.0.12", Elsewhere = "10.98.0.13";
    private readonly FakeOverlayHost _host = new();
    private readonly VxlanOverlayAgent _agent;

    public VxlanOverlayAgentTests() => _agent = new VxlanOverlayAgent(
        Options.Create(new NetworkOptions { AttachVms = true, Overlay = OverlayKind.Vxlan, OverlayLocalAddress = Here }),
        _host, NullLogger<VxlanOverlayAgent>.Instance);

    private static VeOverlayView View(long version, params (string Node, string Underlay)[] members) =>
        new("t/shop", 4200, version, [.. members.Select(m => new VeOverlayNode(m.Node, m.Underlay))]);

    [Fact]
    public async Task Applying_the_same_membership_twice_changes_nothing_the_second_time()
    {
        var view = View(1, ("lyon/a", Here), ("rennes/b", There));
        await _agent.ApplyAsync(view);
        var changes = _host.Log.Count(c => !c.Contains(" show ", StringComparison.Ordinal));

        await _agent.ApplyAsync(view);

        Assert.Equal(changes, _host.Log.Count(c => !c.Contains(" show ", StringComparison.Ordinal)));
        Assert.Equal([IPAddress.Parse(There)], _host.FloodTargets("vx4200"));
    }

    [Fact]
    public async Task A_membership_older_than_one_applied_is_ignored()
    {
        await _agent.ApplyAsync(View(2, ("lyon/a", Here), ("lille/c", Elsewhere)));
        await _agent.ApplyAsync(View(1, ("lyon/a", Here), ("rennes/b", There)));

        Assert.Equal([IPAddress.Parse(Elsewhere)], _host.FloodTargets("vx4200"));
    }

    [Fact]
    public async Task The_host_whose_last_member_left_deletes_its_vxlan_device()
    {
        await _agent.ApplyAsync(View(1, ("lyon/a", Here), ("rennes/b", There)));
        await _agent.ApplyAsync(View(2, ("rennes/b", There)));

        Assert.False(_host.Has("vx4200"));
        Assert.True(_host.Has("dv4200"));
    }

    [Fact]
    public async Task A_refused_command_is_named_with_its_error()
    {
        _host.Refuse = "ip link add vx4200";

        var e = await Assert.ThrowsAsync<OverlayCommandException>(() => _agent.ApplyAsync(View(1, ("lyon/a", Here))));

        Assert.Contains("`ip link add vx4200 type vxlan id 4200 local 10.98.0.11 dstport 4789` failed (exit 2)", e.Message);
        Assert.Contains("Operation not permitted", e.Message);
    }
}
