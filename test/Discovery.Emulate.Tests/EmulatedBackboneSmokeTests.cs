using System.Text.Json;

namespace Discovery.Emulate.Tests;

public sealed class EmulatedBackboneSmokeTests
{
    [NamespacesFact]
    public async Task Three_namespaced_sites_take_a_ve_deployed_through_the_cli_and_leave_nothing_behind()
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
}
