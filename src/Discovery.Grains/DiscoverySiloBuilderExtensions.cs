using Discovery.Abstractions.Events;
using Discovery.Grains.Coordinates;
using Discovery.Grains.Environments;
using Discovery.Grains.Hypervisors;
using Discovery.Grains.Images;
using Discovery.Grains.Placement;
using Discovery.Grains.Reliability;
using Discovery.Grains.Scheduling;
using Discovery.Grains.Security;
using Discovery.Grains.Sites;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Discovery.Network.Latency;

namespace Discovery.Grains;

/// <summary>What every Discovery silo needs, whatever hosts it (the silo program, a test cluster, a benchmark).</summary>
public static class DiscoverySiloBuilderExtensions
{
    /// <summary>
    /// Adds the Discovery grains' services to a silo serving <paramref name="site"/>: site placement, the hypervisor
    /// connections of its node agents, the events streams and the bridge from silo deaths to node events. The host
    /// chooses clustering and the storage providers named in <see cref="StorageNames"/>.
    /// </summary>
    public static ISiloBuilder AddDiscoveryCore(this ISiloBuilder silo, string site, SiteCatalog? catalog = null)
    {
        silo.AddSitePlacement(site, catalog);
        silo.AddMemoryStreams(DiscoveryStreams.Provider);
        silo.AddDiscoverySecurity();
        silo.Services.AddOptions<HypervisorOptions>();
        silo.Services.TryAddSingleton<HypervisorPool>();
        silo.Services.AddOptions<PlacementOptions>();
        silo.Services.AddOptions<LocalityOptions>();
        silo.Services.TryAddSingleton<IRttProbe>(sp => sp.GetRequiredService<IOptions<LocalityOptions>>().Value
            .CreateProbe(sp.GetRequiredService<SiteCatalog>().Sites.ToDictionary(s => s.Name, s => s.Location)));
        silo.Services.TryAddSingleton<LatencyEstimator>();
        silo.Services.TryAddSingleton<NearestNodes>();
        silo.Services.AddOptions<ImageOptions>();
        silo.Services.TryAddSingleton<ChunkStores>();
        silo.Services.TryAddSingleton<ImageDelivery>();
        silo.Services.TryAddSingleton<ChunkScoping>();
        silo.Services.AddOptions<SchedulerOptions>();
        silo.Services.AddOptions<Networks.NetworkOptions>();
        silo.Services.TryAddSingleton<Networks.IOverlayCommandRunner, Networks.ProcessOverlayCommandRunner>();
        silo.Services.TryAddSingleton<Networks.VxlanOverlayAgent>();
        silo.Services.TryAddSingleton<Networks.VeNetworkAttacher>();
        silo.Services.TryAddSingleton<SnapshotReader>();
        silo.Services.AddSingleton<SiloDeathWatcher>();
        silo.Services.AddOptions<OverloadOptions>();
        silo.Services.AddOptions<WatchOptions>();
        silo.Services.AddOptions<SiloMessagingOptions>().Configure<IOptions<OverloadOptions>>((messaging, overload) =>
        {
            messaging.MaxEnqueuedRequestsHardLimit = overload.Value.MaxQueuedCallsPerGrain;
            messaging.MaxEnqueuedRequestsSoftLimit = overload.Value.MaxQueuedCallsPerGrain / 2;
        });
        silo.Services.AddOptions<LoadSheddingOptions>().Configure<IOptions<OverloadOptions>>((shedding, overload) =>
        {
            shedding.LoadSheddingEnabled = overload.Value.ShedClientCallsAboveCpuPercent is not null;
            shedding.CpuThreshold = overload.Value.ShedClientCallsAboveCpuPercent ?? shedding.CpuThreshold;
        });
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDeathWatcher>());
        return silo;
    }
}
