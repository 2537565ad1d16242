using System.Net;
using Discovery.Grains;
using Discovery.Grains.Sites;
using Discovery.Grains.Storage;
using Discovery.Silo.Infrastructure;
using Discovery.Silo.Options;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Discovery.Silo.Hosting;

/// <summary>Composes a Discovery silo: clustering and storage, site placement, and the node agents of its site.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The ADO.NET invariant name under which Orleans finds Npgsql.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>Configures <paramref name="silo"/> to run <paramref name="plan"/> as part of <paramref name="launch"/>.</summary>
    public static ISiloBuilder AddDiscoverySilo(this ISiloBuilder silo, LaunchPlan launch, SiloPlan plan, InfrastructureFile infrastructure)
    {
        var options = launch.Options;
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
        if (options.Clustering == ClusteringKind.Postgres)
            silo.UsePostgres(options, plan);
        else
            silo.UseInMemory(options, plan, wholeClusterInProcess: options.Site is null);

        launch.Tls?.Apply(silo);
        silo.Configure<ClusterMembershipOptions>(m => ApplyFailureDetection(m, options.FailureDetection));
        silo.AddDiscoveryCore(plan.Site, new SiteCatalog(
            infrastructure.Sites.Select(s => new SiteLocation(s.Name, s.Latitude, s.Longitude, s.Region, s.Pue))));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Hypervisor));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Placement));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Images));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Scheduling));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Locality));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Networks));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Security));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Overload));
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options.Watch));
        silo.Services.AddSingleton(infrastructure);
        silo.Services.AddSingleton<SiloReadiness>();
        silo.AddStartupTask<NodeSeeder>();
        return silo;
    }

    // The embedded demo runs every silo in this process: records live in the process, so they survive the death of
    // one of its silos. A silo started alone for one site joins others in other processes: Orleans' memory storage is
    // then the one all of them see.
    private static void UseInMemory(this ISiloBuilder silo, DiscoveryOptions options, SiloPlan plan, bool wholeClusterInProcess)
    {
        silo.UseLocalhostClustering(plan.SiloPort, plan.GatewayPort,
            new IPEndPoint(IPAddress.Loopback, plan.PrimarySiloPort), options.ServiceId, options.ClusterId);
        if (wholeClusterInProcess)
            silo.AddProcessWideGrainStorage(StorageNames.State);
        else
            silo.AddMemoryGrainStorage(StorageNames.State);
        silo.AddMemoryGrainStorage(StorageNames.PubSub);
        silo.UseInMemoryReminderService();
    }

    private static void UsePostgres(this ISiloBuilder silo, DiscoveryOptions options, SiloPlan plan)
    {
        var connection = options.Connection!;
        silo.ConfigureEndpoints(IPAddress.Parse(options.Address), plan.SiloPort, plan.GatewayPort, listenOnAnyHostAddress: true);
        silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (PostgresInvariant, connection));
        foreach (var name in new[] { StorageNames.State, StorageNames.PubSub })
            silo.AddAdoNetGrainStorage(name, o => (o.Invariant, o.ConnectionString) = (PostgresInvariant, connection));
        silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (PostgresInvariant, connection));
    }

    private static void ApplyFailureDetection(ClusterMembershipOptions membership, FailureDetectionOptions fd)
    {
        if (fd.ProbeTimeout is { } probe)
            membership.ProbeTimeout = probe;
        if (fd.NumMissedProbesLimit is { } missed)
            membership.NumMissedProbesLimit = missed;
        if (fd.TableRefreshTimeout is { } refresh)
            membership.TableRefreshTimeout = refresh;
        if (fd.NumVotesForDeathDeclaration is { } votes)
            membership.NumVotesForDeathDeclaration = votes;
    }
}
