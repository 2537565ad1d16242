using System.Net;
using Discovery.Abstractions.Environments;
using Discovery.Client;
using Discovery.Testing;
using Discovery.Testing.Processes;
using Xunit;

namespace Discovery.Silo.Tests.Hosting;

/// <summary>A site's silo run as a real process with <c>--http-port</c>: liveness, readiness and Prometheus metrics.</summary>
public sealed class SiloHttpEndpointsTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_silo_with_an_http_port_reports_health_readiness_and_the_systems_metrics_after_a_deploy()
    {
        var (silo, gateway, http) = await StartSiloAsync();
        await using var _ = silo;
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };

        Assert.Equal("ok", (await web.GetStringAsync("/healthz")).Trim());
        await Eventually.HoldsAsync(async () => (await web.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "the silo to be ready");
        Assert.Contains("2 node(s) registered", await web.GetStringAsync("/readyz"));
        Assert.Contains("orleans_", await web.GetStringAsync("/metrics"));

        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Gateways = [$"127.0.0.1:{gateway}"], ClusterId = silo.ClusterId });
        var ve = client.Grains.GetGrain<IVeGrain>($"metrics-{Guid.NewGuid():N}"[..16] + "/app");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 512, Count: 2)], []), "configure-1");
        await ve.DeployAsync("deploy-1", Locality.NearSite("paris"));

        // The exporter reads the meters when scraped: the deploy is in the very next scrape.
        var metrics = await web.GetStringAsync("/metrics");
        Assert.Matches("discovery_placements_total\\{[^}]*outcome=\"placed\"[^}]*\\} 1", metrics);
        Assert.Matches("discovery_placement_duration_seconds_count\\{[^}]*\\} 1", metrics);
        Assert.Matches("discovery_vms_running\\{[^}]*\\} 2", metrics);
        Assert.Contains("service_name=\"discovery-silo\"", metrics);

        silo.Process.Terminate();
        Assert.Equal(0, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData("-1", "--http-port -1 is not a TCP port")]
    [InlineData("70000", "--http-port 70000 is not a TCP port")]
    [InlineData("seven", "Discovery:HttpPort")]
    public async Task A_bad_http_port_stops_the_program_with_one_clear_line(string port, string expected)
    {
        await using var silo = ChildProcess.StartDotnet(SiloProgramFile.Path, "--site", "paris", "--http-port", port);

        Assert.Equal(2, await silo.WaitForExitAsync(StartTimeout));
        var line = Assert.Single(silo.Output);
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task An_http_port_shared_with_the_gateway_is_refused_before_start()
    {
        await using var silo = ChildProcess.StartDotnet(SiloProgramFile.Path, "--site", "paris", "--gateway-port", "31500", "--http-port", "31500");

        Assert.Equal(2, await silo.WaitForExitAsync(StartTimeout));
        Assert.Contains("give it a port of its own", Assert.Single(silo.Output));
    }

    private sealed record RunningSilo(ChildProcess Process, string ClusterId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }

    private static async Task<(RunningSilo Silo, int Gateway, int Http)> StartSiloAsync()
    {
        var (siloPort, gateway, http) = (FreePorts.Take(), FreePorts.Take(), FreePorts.Take());
        var clusterId = $"http-{Guid.NewGuid():N}";
        var infrastructure = Path.Combine(Path.GetTempPath(), $"discovery-infra-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(infrastructure, """
            sites:
              - { name: paris, latitude: 48.85, longitude: 2.35, nodes: [ { name: node, count: 2, cpus: 8, memoryMiB: 16384 } ] }
            """);
        var process = ChildProcess.StartDotnet(SiloProgramFile.Path,
            "--site", "paris", "--infrastructure", infrastructure, "--cluster-id", clusterId,
            "--silo-port", siloPort.ToString(), "--gateway-port", gateway.ToString(), "--http-port", http.ToString());
        try
        {
            await process.WaitForLineAsync("is running", StartTimeout);
            return (new RunningSilo(process, clusterId), gateway, http);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}
