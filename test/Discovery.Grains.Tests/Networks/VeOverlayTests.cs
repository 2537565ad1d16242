using System.Collections.Concurrent;
using System.Net;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Networks;
using Discovery.Network.Overlay;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Discovery.Grains.Tests.Networks;

/// <summary>A cluster of its own whose node agents build VXLAN overlays on fake hosts (one per silo: no root needed).</summary>
[Collection(OwnClusterCollection.Name)]
public sealed class VeOverlayTests : IAsyncLifetime
{
    private readonly OverlayCluster _cluster = new();
    private readonly string _tenant = $"ovl-{Guid.NewGuid():N}"[..12];

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task The_hosts_of_a_ves_vms_flood_to_each_other_and_follow_its_vms_when_they_move_and_go()
    {
        var client = _cluster.Client;
        var (lyonA, lyonC, rennes) = ($"lyon/a-{_tenant}", $"lyon/c-{_tenant}", $"rennes/b-{_tenant}");
        foreach (var node in new[] { lyonA, lyonC, rennes })
            await client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(8, 16384));
        var ve = client.GetGrain<IVeGrain>($"{_tenant}/shop");
        await ve.ConfigureAsync(new VeSpec(
            [new VmTemplate("web", 1, 1024), new VmTemplate("db", 1, 1024)],
            [new Fence(["web"], [lyonA]), new Fence(["db"], [rennes])]), "configure");
        await ve.DeployAsync("deploy", Locality.NearSite("lyon"));
        var overlay = client.GetGrain<IVeOverlayGrain>($"{_tenant}/shop");
        var vni = (await overlay.GetViewAsync()).Vni;
        Assert.NotEqual(0, vni);

        Assert.Equal([(lyonA, Lyon), (rennes, Rennes)], await MembersAsync(overlay));
        await FloodsAsync("lyon", vni, Rennes);
        await FloodsAsync("rennes", vni, Lyon);

        // db moves to the other node of lyon's silo: rennes has no VM of the VE left, lyon's host has both.
        await client.GetGrain<IVmGrain>($"{_tenant}/shop/db").MigrateAsync(lyonC);
        Assert.Equal([(lyonA, Lyon), (lyonC, Lyon)], await MembersAsync(overlay));
        await FloodsAsync("lyon", vni);
        Assert.False(_cluster.Hosts["rennes"].Has(VxlanOverlay.DeviceName(vni)));

        await ve.DeleteAsync("delete");
        Assert.Empty(await MembersAsync(overlay));
        Assert.False(_cluster.Hosts["lyon"].Has(VxlanOverlay.DeviceName(vni)));
        Assert.True(_cluster.Hosts["lyon"].Has(VxlanOverlay.BridgeName(vni)), "the bridge stays with the VE's libvirt network");
    }

    [Fact]
    public async Task A_vm_whose_host_cannot_build_the_overlay_is_refused_naming_the_command_and_the_node_does_not_stay_a_member()
    {
        var node = $"lyon/r-{_tenant}";
        await _cluster.Client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(8, 16384));
        _cluster.Hosts["lyon"].Refuse = "ip link add vx";

        var e = await Assert.ThrowsAsync<HypervisorException>(() =>
            _cluster.Client.GetGrain<INodeGrain>(node).AdmitAsync($"{_tenant}/lab/web", new VmSpec(1, 512)));

        Assert.Contains("VXLAN overlay of VE", e.Message);
        Assert.Contains("Operation not permitted", e.Message);
        Assert.Empty((await _cluster.Client.GetGrain<INodeGrain>(node).GetInfoAsync()).Vms ?? []);
        Assert.Empty((await _cluster.Client.GetGrain<IVeOverlayGrain>($"{_tenant}/lab").GetViewAsync()).Members);
    }

    private const string Lyon = "10.98.0.11", Rennes = "10.98.0.12";

    private static async Task<List<(string, string)>> MembersAsync(IVeOverlayGrain overlay) =>
        (await overlay.GetViewAsync()).Members.Select(m => (m.Node, m.Underlay)).Order().ToList();

    // The changed node's host applies at once; the others are told one-way, a moment later.
    private Task FloodsAsync(string site, int vni, params string[] remotes) =>
        Eventually.HoldsAsync(() => _cluster.Hosts[site].Has(VxlanOverlay.DeviceName(vni))
                && _cluster.Hosts[site].FloodTargets(VxlanOverlay.DeviceName(vni)).SetEquals(remotes.Select(IPAddress.Parse)),
            $"{site}'s vx{vni} flooding to exactly [{string.Join(", ", remotes)}]");

    private sealed class OverlayCluster : SiteClusterFixture
    {
        public readonly ConcurrentDictionary<string, FakeOverlayHost> Hosts = new();

        protected override void ConfigureSilo(string site, ISiloBuilder silo)
        {
            silo.Services.Configure<NetworkOptions>(o =>
            {
                o.AttachVms = true;
                o.Overlay = OverlayKind.Vxlan;
                o.OverlayLocalAddress = site switch { "lyon" => Lyon, "rennes" => Rennes, _ => "10.98.0.10" };
            });
            silo.Services.AddSingleton<IOverlayCommandRunner>(Hosts.GetOrAdd(site, _ => new FakeOverlayHost()));
        }
    }
}
