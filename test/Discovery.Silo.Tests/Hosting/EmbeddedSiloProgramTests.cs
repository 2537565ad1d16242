using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;
using Discovery.Silo.Infrastructure;
using Discovery.Testing;
using Discovery.Testing.Processes;
using Xunit;

namespace Discovery.Silo.Tests.Hosting;

/// <summary>The README's run command, run as a real process: the embedded demo with no configuration but free ports.</summary>
public sealed class EmbeddedSiloProgramTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    // The README's run command on free ports and a cluster id of its own; returns once the banner is printed.
    private static async Task<(ChildProcess Silo, string Banner, int GatewayPort)> StartDemoAsync()
    {
        var siloPort = FreePorts.TakeRange(8);
        var gatewayPort = FreePorts.TakeRange(8);
        var silo = ChildProcess.StartDotnet(SiloProgramFile.Path,
            "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--cluster-id", $"embedded-{Guid.NewGuid():N}",
            "--console-port", FreePorts.Take().ToString());
        try
        {
            return (silo, await silo.WaitForLineAsync("is running", StartTimeout), gatewayPort);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task The_embedded_demo_starts_every_site_and_registers_the_demo_nodes_on_their_sites()
    {
        var (silo, banner, gatewayPort) = await StartDemoAsync();
        await using var _ = silo;
        var demo = InfrastructureFile.Load(Path.Combine(Path.GetDirectoryName(SiloProgramFile.Path)!, "demo-infrastructure.yaml"));
        Assert.Contains("embedded demo", banner);
        Assert.Contains($"127.0.0.1:{gatewayPort}", banner);

        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            Gateways = [$"127.0.0.1:{gatewayPort}"],
            ClusterId = banner.Split('\'')[1],
        });
        foreach (var site in demo.Sites)
        {
            var registered = await client.Grains.GetGrain<ISiteGrain>(site.Name).GetNodeNamesAsync();
            Assert.Equal(site.Nodes.Select(n => n.Name).Order(), registered.Order());
            var info = await client.Grains.GetGrain<INodeGrain>($"{site.Name}/{site.Nodes[0].Name}").GetInfoAsync();
            Assert.Equal(site.Name, info.HostSite);
            Assert.Equal(site.Nodes[0].Spec, info.Spec);
        }

        // A tenant application subscribes to a site's events and sees a VM's life on a demo node's hypervisor.
        var events = new System.Collections.Concurrent.ConcurrentQueue<DiscoveryEvent>();
        var site0 = demo.Sites[0];
        await using (await client.SubscribeAsync([site0.Name], e => { events.Enqueue(e); return Task.CompletedTask; }))
        {
            var vm = client.Grains.GetGrain<IVmGrain>($"embedded-test/{Guid.NewGuid():N}/web");
            await vm.DefineAsync(new VmSpec(1, 512), $"{site0.Name}/{site0.Nodes[0].Name}");
            Assert.Equal(VmState.Running, (await vm.StartAsync()).State);
            await vm.StopAsync(force: true);
            await Eventually.HoldsAsync(() => events.OfType<VmStateChanged>().Count() >= 3, "three VM state events");
            Assert.Equal([VmState.Defined, VmState.Running, VmState.Stopped], events.OfType<VmStateChanged>().Select(e => e.To));
        }

        // The discovery command reaches the same cluster through the printed gateway.
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await Discovery.Cli.CliApp.RunAsync(["--gateway", $"127.0.0.1:{gatewayPort}", "--cluster-id", banner.Split('\'')[1], "sites", "-o", "json"], output, error);
        Assert.True(exit == 0, error.ToString());
        Assert.Equal(demo.Sites.Select(s => s.Name).Order(),
            System.Text.Json.JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()));

        // The run command brings the console up too, says where, and serves it with its styles.
        var console = silo.Output.Single(l => l.StartsWith("Console: ", StringComparison.Ordinal))["Console: ".Length..];
        using var http = new HttpClient();
        var page = await http.GetStringAsync(console);
        Assert.Contains("Discovery.Orleans", page);
        var css = System.Text.RegularExpressions.Regex.Match(page, "_content/MudBlazor/[^\"]+\\.css").Value;
        Assert.False(string.IsNullOrEmpty(css), "the page links MudBlazor's stylesheet");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"{console}/{css}")).StatusCode);

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_tenant_deploys_a_three_tier_ve_near_its_gateway_through_the_sdk_and_runs_its_lifecycle()
    {
        var (silo, banner, gatewayPort) = await StartDemoAsync();
        await using var _ = silo;
        var demo = InfrastructureFile.Load(Path.Combine(Path.GetDirectoryName(SiloProgramFile.Path)!, "demo-infrastructure.yaml"));
        var (home, fenced, elsewhere) = (demo.Sites[1].Name, demo.Sites[0].Name, demo.Sites[2].Name);

        // The demo's second site's silo listens on the second gateway port: that is where this tenant is.
        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            Gateways = [$"127.0.0.1:{gatewayPort + 1}"],
            ClusterId = banner.Split('\'')[1],
        });
        Assert.Equal(home, client.Site);
        var ve = client.Grains.GetGrain<IVeGrain>($"tenant-{Guid.NewGuid():N}"[..15] + "/shop");
        await ve.ConfigureAsync(new VeSpec(
            [new VmTemplate("web", 2, 2048, Image: demo.Images![0].Name, Count: 2), new VmTemplate("db", 4, 8192)],
            [new Spread(["web"]), new Fence(["db"], [fenced])]), "configure-1");

        var deployed = await ve.DeployAsync("deploy-1");

        Assert.Equal(VeStatus.Running, deployed.Status);
        Assert.Equal((home, home, fenced), (deployed.Vm("web-1").Site, deployed.Vm("web-2").Site, deployed.Vm("db").Site));
        Assert.NotEqual(deployed.Vm("web-1").Node, deployed.Vm("web-2").Node);
        Assert.All((await ve.SuspendAsync("suspend-1")).Vms, v => Assert.Equal(VmState.Suspended, v.State));
        Assert.All((await ve.ResumeAsync("resume-1")).Vms, v => Assert.Equal(VmState.Running, v.State));
        var relocated = await ve.RelocateAsync(Locality.NearSite(elsewhere), "relocate-1", "web-1");
        Assert.Equal(elsewhere, relocated.Vm("web-1").Site);
        Assert.Equal(VeStatus.Stopped, (await ve.StopAsync("stop-1", force: true)).Status);
        await ve.DeleteAsync("delete-1");
        Assert.Equal(VeStatus.None, (await ve.LocateAsync()).Status);

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData(new[] { "--clustering", "zookeeper" }, "unknown clustering 'zookeeper'")]
    [InlineData(new[] { "--clustering", "postgres", "--site", "lyon" }, "needs --connection")]
    [InlineData(new[] { "--site", "lyon", "--silo-port", "31000", "--gateway-port", "31000" }, "give them different ports")]
    [InlineData(new[] { "--frobnicate", "1" }, "unknown option '--frobnicate'")]
    [InlineData(new[] { "--probe", "radar" }, "Probe must be geography, matrix or tcp (got 'radar')")]
    [InlineData(new[] { "--probe", "matrix", "--rtt-matrix", "/nonexistent/rtt.txt" }, "'/nonexistent/rtt.txt' not found")]
    public async Task Bad_configuration_stops_the_program_with_one_clear_line(string[] args, string expected)
    {
        await using var silo = ChildProcess.StartDotnet(SiloProgramFile.Path, args);

        Assert.Equal(2, await silo.WaitForExitAsync(StartTimeout));
        var line = Assert.Single(silo.Output);
        Assert.StartsWith("err: discovery-silo: ", line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_program_with_one_clear_line_and_no_password()
    {
        var port = FreePorts.Take();
        await using var silo = ChildProcess.StartDotnet(SiloProgramFile.Path,
            "--clustering", "postgres", "--site", "lyon", "--silo-port", FreePorts.Take().ToString(), "--gateway-port", FreePorts.Take().ToString(),
            "--connection", $"Host=127.0.0.1;Port={port};Database=nothing;Username=nobody;Password=hunter2;Timeout=3");

        Assert.Equal(2, await silo.WaitForExitAsync(StartTimeout));
        var line = Assert.Single(silo.Output);
        Assert.Contains($"Port={port}", line);
        Assert.DoesNotContain("hunter2", line);
    }
}
