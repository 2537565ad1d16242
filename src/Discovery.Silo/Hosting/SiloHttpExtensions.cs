using Discovery.Grains.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Orleans.Runtime;

namespace Discovery.Silo.Hosting;

/// <summary>
/// A silo's HTTP face for operators: liveness (<c>/healthz</c>), readiness (<c>/readyz</c>: joined the cluster and its
/// site's nodes registered) and Prometheus metrics (<c>/metrics</c>: Orleans' meter and the system's own).
/// </summary>
public static class SiloHttpExtensions
{
    /// <summary>Orleans' own meter (grain calls, activations, messaging, membership).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Adds the services the endpoints need: readiness and the OpenTelemetry metrics pipeline.</summary>
    public static IServiceCollection AddSiloHttp(this IServiceCollection services, string site)
    {
        // Prometheus labels every series with job/instance itself; the resource names the service and the site.
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("discovery-silo", serviceInstanceId: site))
            .WithMetrics(metrics => metrics
            .AddMeter(OrleansMeter, DiscoveryMetrics.MeterName)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapSiloHttp(this WebApplication app, string site)
    {
        // Liveness: the process answers. A silo that cannot serve is better told by /readyz than restarted.
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", (IClusterMembershipService membership, ILocalSiloDetails local, SiloReadiness readiness) =>
        {
            var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
            if (status != SiloStatus.Active)
                return Results.Text($"not ready: silo {local.SiloAddress} of site {site} is {status}, not Active in the cluster\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            if (readiness.NodesRegistered is not { } nodes)
                return Results.Text($"not ready: site {site}'s nodes are not registered yet\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            return Results.Text($"ready: site {site}, silo {local.SiloAddress} active, {nodes} node(s) registered\n");
        });
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
