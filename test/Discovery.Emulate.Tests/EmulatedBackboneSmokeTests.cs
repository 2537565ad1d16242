using System.Text.Json;
using Discovery.Testing;

namespace Discovery.Emulate.Tests;

public sealed class EmulatedBackboneSmokeTests
{
    [NamespacesFact]
    public async Task Three_namespaced_sites_take_a_ve_through_the_cli_its_vms_ping_across_the_vxlan_overlay_and_nothing_is_left_behind()
    {
        var backbone = await EmulatedBackbone.UpAsync(sites: 3, nodesPerSite: 2, timeout: TimeSpan.FromMinutes(5));
        try
        {
            Assert.Equal(5, backbone.Namespaces().Count); // hub, PostgreSQL and three sites

            var spec = Path.Combine(Path.GetTempPath(), $"smoke-{backbone.Name}.yaml");
            await File.WriteAllTextAsync(spec, """
                vms:
                  - { name: web, vcpus: 2, memoryMiB: 2048, count: 2 }
                  - { name: db, vcpus: 4, memoryMiB: 4096 }
                constraints:
                  - { kind: Spread, vms: [web] }
                """);
            var sites = JsonDocument.Parse(await backbone.CliAsync("-o", "json", "sites")).RootElement.EnumerateArray().ToList();
            Assert.Equal(3, sites.Count);
            Assert.All(sites, s => Assert.NotEmpty(s.GetProperty("silosUp").EnumerateArray()));
            // The last site is not the one whose namespace the CLI runs in: the VE is placed across the emulated WAN.
            var far = sites[^1].GetProperty("name").GetString()!;

            await backbone.CliAsync("ve", "create", "-f", spec, "--name", "smoke");
            await backbone.CliAsync("ve", "deploy", "smoke", "--near", far);
            var shown = JsonDocument.Parse(await backbone.CliAsync("-o", "json", "ve", "show", "smoke")).RootElement;

            Assert.Equal("Running", shown.GetProperty("status").GetString());
            var vms = shown.GetProperty("vms").EnumerateArray().ToList();
            Assert.Equal(3, vms.Count);
            Assert.All(vms, vm => Assert.Equal(("Running", far), (vm.GetProperty("state").GetString(), vm.GetProperty("site").GetString())));
            File.Delete(spec);

            await VmsOnTwoSitesPingEachOtherAsync(backbone);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{backbone.Logs()}");
        }
        finally
        {
            await backbone.DisposeAsync();
        }
        Assert.Empty(backbone.Namespaces());
    }

    // VE networking end to end: the VE's IPAM record from the cluster, its VXLAN overlay between the sites'
    // namespaces, and an ICMP echo from one VM's namespace to the other's address, across the emulated WAN.
    private static async Task VmsOnTwoSitesPingEachOtherAsync(EmulatedBackbone backbone)
    {
        var spec = Path.Combine(Path.GetTempPath(), $"net-{backbone.Name}.yaml");
        await File.WriteAllTextAsync(spec, """
            vms:
              - { name: web, vcpus: 2, memoryMiB: 2048, count: 2 }
            constraints:
              - { kind: SiteSpread, vms: [web] }
            """);
        await backbone.CliAsync("ve", "create", "-f", spec, "--name", "net");
        File.Delete(spec);
        await backbone.CliAsync("ve", "deploy", "net");
        var network = JsonDocument.Parse(await backbone.CliAsync("-o", "json", "ve", "network", "net")).RootElement;
        var web2 = network.GetProperty("addresses").GetProperty("web-2").GetString()!;
        Assert.StartsWith("10.", web2);

        var vni = network.GetProperty("vni").GetInt32();
        var sites = JsonDocument.Parse(await backbone.CliAsync("-o", "json", "ve", "show", "net")).RootElement
            .GetProperty("vms").EnumerateArray().Select(vm => vm.GetProperty("site").GetString()!).Distinct().ToList();
        Assert.Equal(2, sites.Count);

        // The node agents built the overlay: each site's VXLAN device floods to the other site's WAN address, and only
        // there (the second site's entry reaches the first one's agent one-way, a moment after the deploy).
        foreach (var site in sites)
        {
            var other = sites.Single(s => s != site);
            var otherWan = (await backbone.ScriptAsync(TimeSpan.FromSeconds(30), "exec", "--name", backbone.Name, other, "ip", "-o", "-4", "addr", "show", "dev", "wan")).Output;
            var fdb = (Ok: false, Output: "", Error: "");
            try
            {
                await Eventually.HoldsAsync(async () =>
                {
                    fdb = await ForwardingAsync(backbone, site, vni);
                    var floods = fdb.Output.Split('\n').Where(l => l.StartsWith("00:00:00:00:00:00 dst ", StringComparison.Ordinal)).ToList();
                    return fdb.Ok && floods.Count == 1 && otherWan.Contains($" {floods[0].Split(' ')[2]}/", StringComparison.Ordinal);
                }, $"{site} flooding VXLAN {vni} to {other} only", TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{site} should flood VXLAN {vni} to {other} only; it has:\n{fdb.Output}{fdb.Error}\n{other}'s WAN: {otherWan}");
            }
        }

        var overlay = await backbone.ScriptAsync(TimeSpan.FromMinutes(2), "overlay", "--name", backbone.Name, "net");
        Assert.True(overlay.Ok, overlay.Output + overlay.Error);
        var ping = await backbone.ScriptAsync(TimeSpan.FromMinutes(1), "exec", "--name", backbone.Name, "net/web-1", "ping", "-c", "3", "-W", "2", web2);
        Assert.True(ping.Ok, $"web-1 cannot ping web-2 at {web2}:\n{ping.Output}{ping.Error}\n{overlay.Output}");
        Assert.Contains("3 received", ping.Output);

        // Deleting the VE takes its VMs off the nodes: the agents leave the overlay and remove their devices.
        await backbone.CliAsync("ve", "rm", "net");
        foreach (var site in sites)
            Assert.False((await ForwardingAsync(backbone, site, vni)).Ok, $"{site} kept VXLAN device vx{vni} after the VE was deleted");
    }

    private static Task<(bool Ok, string Output, string Error)> ForwardingAsync(EmulatedBackbone backbone, string site, int vni) =>
        backbone.ScriptAsync(TimeSpan.FromSeconds(30), "exec", "--name", backbone.Name, site, "bridge", "fdb", "show", "dev", $"vx{vni}");
}
