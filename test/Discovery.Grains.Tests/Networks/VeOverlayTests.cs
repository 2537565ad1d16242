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
        public readonly ConcurrentDictionary<string, FakeHost> Hosts = new();

        protected override void ConfigureSilo(string site, ISiloBuilder silo)
        {
            silo.Services.Configure<NetworkOptions>(o =>
            {
                o.AttachVms = true;
                o.Overlay = OverlayKind.Vxlan;
                o.OverlayLocalAddress = site switch { "lyon" => Lyon, "rennes" => Rennes, _ => "10.98.0.10" };
            });
            silo.Services.AddSingleton<IOverlayCommandRunner>(Hosts.GetOrAdd(site, _ => new FakeHost()));
        }
    }

    /// <summary>A host's links and forwarding entries, read and changed by the agents' ip and bridge commands as the kernel would.</summary>
    private sealed class FakeHost : IOverlayCommandRunner
    {
        private readonly Dictionary<string, string?> _links = []; // device -> master
        private readonly Dictionary<string, HashSet<IPAddress>> _floods = [];

        public bool Has(string device)
        {
            lock (this)
                return _links.ContainsKey(device);
        }

        public HashSet<IPAddress> FloodTargets(string device)
        {
            lock (this)
                return _floods.TryGetValue(device, out var f) ? [.. f] : [];
        }

        public Task<OverlayCommandResult> RunAsync(OverlayCommand command, CancellationToken cancellationToken = default)
        {
            lock (this)
                return Task.FromResult(Run(command.Program, command.Arguments.ToList()));
        }

        private OverlayCommandResult Run(string program, List<string> a)
        {
            var ok = new OverlayCommandResult(0, "", "");
            var command = $"{program} {string.Join(' ', a)}";
            OverlayCommandResult Fail(string error) => new(1, "", $"{error} ({command})");
            switch (program, a[0], a[1], a[2])
            {
                case ("ip", "-o", "link", "show"):
                    return _links.TryGetValue(a[4], out var master)
                        ? ok with { Output = $"9: {a[4]}: <UP> mtu 1450{(master is null ? "" : $" master {master}")} state UP\n" }
                        : Fail($"Device \"{a[4]}\" does not exist.");
                case ("bridge", "fdb", "show", _):
                    return _links.ContainsKey(a[3])
                        ? ok with { Output = string.Concat(FloodsOf(a[3]).Select(d => $"00:00:00:00:00:00 dst {d} self permanent\n")) }
                        : Fail("Cannot find device");
                case ("ip", "link", "add", _):
                    return _links.TryAdd(a[2], null) ? ok : Fail("RTNETLINK answers: File exists");
                case ("ip", "link", "del", _):
                    _floods.Remove(a[2]);
                    return _links.Remove(a[2]) ? ok : Fail("Cannot find device");
                case ("ip", "link", "set", _):
                    if (!_links.ContainsKey(a[2]) || a.IndexOf("master") is var at && at > 0 && !_links.ContainsKey(a[at + 1]))
                        return Fail("Cannot find device");
                    if (at > 0)
                        _links[a[2]] = a[at + 1];
                    return ok;
                case ("bridge", "fdb", "append", _):
                    return !_links.ContainsKey(a[4]) ? Fail("Cannot find device")
                        : FloodsOf(a[4]).Add(IPAddress.Parse(a[6])) ? ok : Fail("appended twice");
                case ("bridge", "fdb", "del", _):
                    return FloodsOf(a[4]).Remove(IPAddress.Parse(a[6])) ? ok : Fail("no such entry");
                default:
                    return Fail("unexpected command");
            }
        }

        private HashSet<IPAddress> FloodsOf(string device) => _floods.TryGetValue(device, out var f) ? f : _floods[device] = [];
    }
}
