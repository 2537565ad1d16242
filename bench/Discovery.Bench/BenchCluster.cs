using Discovery.Abstractions.Events;
using Discovery.Grains;
using Discovery.Grains.Sites;
using Discovery.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Discovery.Bench;

/// <summary>
/// An in-process cluster of the product's grains with one silo per site of a catalog, in-memory state,
/// and a client that reads the event streams. Returned once every silo sees every other with its site, so placement
/// decisions are final from the first call.
/// </summary>
public static class BenchCluster
{
    public static async Task<(InProcessTestCluster Cluster, IReadOnlyDictionary<string, string> SiteOfSilo)> StartAsync(
        SiteCatalog catalog, Action<string, ISiloBuilder>? configure = null, TimeSpan? ready = null)
    {
        var sites = catalog.Sites.Select(s => s.Name).ToList();
        var siteOfSilo = new Dictionary<string, string>();
        var builder = new InProcessTestClusterBuilder((short)sites.Count);
        builder.ConfigureSilo((options, silo) =>
        {
            // Silos may be configured concurrently: each takes the next site under the lock.
            string site;
            lock (siteOfSilo)
                site = siteOfSilo.TryGetValue(options.SiloName, out var known) ? known : siteOfSilo[options.SiloName] = sites[siteOfSilo.Count];
            silo.AddDiscoveryCore(site, catalog);
            silo.AddProcessWideGrainStorage(StorageNames.State); // survives a silo the benchmark kills, as a database would
            silo.AddMemoryGrainStorage(StorageNames.PubSub);
            silo.UseInMemoryReminderService();
            configure?.Invoke(site, silo);
        });
        builder.ConfigureClient(client => client
            .AddMemoryStreams(DiscoveryStreams.Provider)
            .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(10)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var patience = ready ?? TimeSpan.FromSeconds(60);
        for (var deadline = DateTime.UtcNow + patience; !cluster.Silos.All(s => s.ServiceProvider.GetRequiredService<SiteTopology>().ActiveSilos() is var seen
                 && seen.Count == sites.Count && seen.All(x => x.Site is not null)); await Task.Delay(100))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the {sites.Count} silos did not all see each other's sites within {patience.TotalSeconds:0} s");
        }
        return (cluster, siteOfSilo);
    }
}
