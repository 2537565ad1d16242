using Discovery.Client;
using Discovery.Dashboard;
using Discovery.Silo.Infrastructure;
using Discovery.Silo.Options;
using Discovery.Storage.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Discovery.Silo.Hosting;

/// <summary>Starts the silos of a <see cref="LaunchPlan"/>, says where they listen, and stops them on Ctrl+C / SIGTERM.</summary>
public static class SiloRunner
{
    /// <summary>Runs until <paramref name="stop"/> fires; returns the process exit code.</summary>
    public static async Task<int> RunAsync(LaunchPlan launch, CancellationToken stop)
    {
        if (launch.Options.Clustering == ClusteringKind.Postgres)
            await CheckDatabaseAsync(launch.Options.Connection!, stop);

        var infrastructure = InfrastructureFile.Load(launch.InfrastructurePath);
        var hosts = new List<IHost>();
        try
        {
            foreach (var silo in launch.Silos)
            {
                var host = BuildHost(launch, silo, infrastructure);
                hosts.Add(host);
                await host.StartAsync(stop);
                var http = silo.HttpPort is { } httpPort ? $", health and metrics http://{launch.Options.Address}:{httpPort}/metrics" : "";
                Console.WriteLine($"Silo for site {silo.Site} is up: silo {launch.Options.Address}:{silo.SiloPort}, gateway {launch.Options.Address}:{silo.GatewayPort}{http}");
            }
            await using var console = launch.ConsolePort is { } port ? await StartConsoleAsync(launch, port, stop) : null;
            Console.WriteLine(Banner(launch));
            if (SecuritySetup.Describe(launch) is { } security)
                Console.WriteLine(security);
            await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            return 0;
        }
        finally
        {
            // Stop in reverse order so the primary silo of a localhost cluster goes last.
            hosts.Reverse();
            foreach (var host in hosts)
            {
                await host.StopAsync(TimeSpan.FromSeconds(10));
                host.Dispose();
            }
        }
    }

    // The console is an ordinary client of the cluster, connected through this process's own gateways.
    private static async Task<ConsoleProcess> StartConsoleAsync(LaunchPlan launch, int port, CancellationToken stop)
    {
        var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            Gateways = launch.Silos.Select(s => $"{launch.Options.Address}:{s.GatewayPort}").ToList(),
            ClusterId = launch.Options.ClusterId,
            ServiceId = launch.Options.ServiceId,
            Credential = SecuritySetup.ConsoleCredential(launch.Options),
            Tls = launch.Tls?.ForLocalClient(),
        }, stop);
        var url = $"http://{launch.Options.Address}:{port}";
        var web = await ConsoleHost.StartAsync(new ConsoleSettings(url, launch.Options.ClusterId), client, stop);
        Console.WriteLine($"Console: {url}");
        return new ConsoleProcess(web, client);
    }

    private sealed record ConsoleProcess(WebApplication Web, DiscoveryClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Web.StopAsync(TimeSpan.FromSeconds(5));
            await Web.DisposeAsync();
            await Client.DisposeAsync();
        }
    }

    // A silo with an HTTP port is a web application (health, readiness, metrics); without one, a plain host.
    private static IHost BuildHost(LaunchPlan launch, SiloPlan silo, InfrastructureFile infrastructure)
    {
        if (silo.HttpPort is not { } port)
        {
            var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
            ConfigureSilo(plain, launch, silo, infrastructure);
            return plain.Build();
        }
        var web = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // With PostgreSQL the silo listens on every address (see UsePostgres); so does its HTTP port, for Prometheus.
        var host = launch.Options.Clustering == ClusteringKind.Postgres ? "0.0.0.0" : launch.Options.Address;
        web.WebHost.UseKestrelCore().UseUrls($"http://{host}:{port}");
        web.Services.AddRouting();
        web.Services.AddSiloHttp(silo.Site);
        ConfigureSilo(web, launch, silo, infrastructure);
        var app = web.Build();
        app.MapSiloHttp(silo.Site);
        return app;
    }

    private static void ConfigureSilo(IHostApplicationBuilder builder, LaunchPlan launch, SiloPlan silo, InfrastructureFile infrastructure)
    {
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        // Orleans is chatty at Information; its warnings and errors still show.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // The watchdog measures from an uninitialised start and warns once per silo about a stall of hours that never was.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.UseOrleans(s => s.AddDiscoverySilo(launch, silo, infrastructure));
    }

    private static async Task CheckDatabaseAsync(string connection, CancellationToken cancellationToken)
    {
        var status = await PostgresSchema.CheckAsync(connection, cancellationToken);
        if (!status.IsReady)
            throw new ConfigurationProblem(status.Problem ?? $"database {PostgresSchema.DescribeConnection(connection)} is not ready");
    }

    private static string Banner(LaunchPlan launch)
    {
        var gateways = string.Join(", ", launch.Silos.Select(s => $"{launch.Options.Address}:{s.GatewayPort}"));
        var sites = string.Join(", ", launch.Silos.Select(s => s.Site).Distinct());
        var mode = launch.IsEmbeddedDemo
            ? "embedded demo (localhost clustering, in-memory state)"
            : launch.Options.Clustering == ClusteringKind.Postgres
                ? $"PostgreSQL {PostgresSchema.DescribeConnection(launch.Options.Connection!)}"
                : "localhost clustering, in-memory state";
        var network = launch.Options.Locality.Probe switch
        {
            "tcp" => "RTTs measured by TCP connect",
            "matrix" => $"RTTs emulated from matrix {launch.Options.Locality.Matrix}",
            _ => "RTTs emulated from site geography",
        };
        var tls = launch.Tls is { } t
            ? $"TLS between silos and from clients (certificate {t.Certificate.Subject}{(t.Settings.RequireClientCertificate ? ", client certificates required" : "")}); "
            : "";
        return $"Discovery.Orleans cluster '{launch.Options.ClusterId}' is running: {mode}; {network}; {tls}sites {sites}; clients connect to gateways {gateways}. Press Ctrl+C to stop.";
    }
}
