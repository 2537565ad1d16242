using System.Collections.Concurrent;
using Discovery.Abstractions.Events;
using Discovery.Grains;
using Discovery.Grains.Coordinates;
using Discovery.Grains.Sites;
using Discovery.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Xunit;

namespace Discovery.Testing.Cluster;

/// <summary>
/// An in-process cluster with one silo per site (<see cref="Sites"/>), shared by a test collection. Each test uses its
/// own keys, so tests don't see each other's grains. Silos started later get the sites in turn again. Grain state
/// lives in process-wide storage, so it survives a killed silo as it would in PostgreSQL; node agents get libvirt
/// test-driver hosts.
/// </summary>
public class SiteClusterFixture : IAsyncLifetime
{
    /// <summary>The sites of the initial silos, in silo order.</summary>
    public static readonly IReadOnlyList<string> Sites = ["paris", "lyon", "rennes"];

    /// <summary>Where the sites are: lyon is about 390 km from paris, rennes about 310 km, lyon–rennes about 560 km.</summary>
    public static readonly SiteCatalog Catalog = new([
        new SiteLocation("paris", 48.8566, 2.3522, "fr-north"),
        new SiteLocation("lyon", 45.7640, 4.8357, "fr-south"),
        new SiteLocation("rennes", 48.1173, -1.6778, "fr-north"),
    ]);

    private readonly ConcurrentDictionary<string, string> _siteOfSilo = new();

    /// <summary>The running cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>A client connected to the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>The site each silo (by name) serves.</summary>
    public IReadOnlyDictionary<string, string> SiteOfSilo => _siteOfSilo;

    /// <summary>Lets a derived fixture add services or providers to every silo.</summary>
    protected virtual void ConfigureSilo(string site, ISiloBuilder silo)
    {
    }

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder((short)Sites.Count);
        builder.ConfigureSilo((options, silo) =>
        {
            var site = SiteFor(options.SiloName);
            silo.AddDiscoveryCore(site, Catalog);
            silo.AddProcessWideGrainStorage(StorageNames.State);
            silo.AddMemoryGrainStorage(StorageNames.PubSub);
            silo.UseInMemoryReminderService();
            // Coordinates converge in seconds rather than minutes; the emulated WAN comes from the sites' geography.
            silo.Services.Configure<LocalityOptions>(o => o.Interval = TimeSpan.FromMilliseconds(500));
            // Three silos share two cores with every test's agents: tolerate slow probes rather than declare a busy
            // silo dead (a killed one is still found within seconds).
            silo.Configure<ClusterMembershipOptions>(m => (m.ProbeTimeout, m.NumMissedProbesLimit) = (TimeSpan.FromSeconds(3), 3));
            // Watchers of protected VMs look every half second, and give an unanswering agent 3 s; VMs check on their
            // watcher every 2 s.
            silo.Services.Configure<Discovery.Grains.Reliability.WatchOptions>(o => (o.Interval, o.UnreachableFor, o.CheckEvery) =
                (TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(2)));
            ConfigureSilo(site, silo);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(DiscoveryStreams.Provider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        if (_siteOfSilo.Values.Distinct().Count() != Sites.Count)
            throw new InvalidOperationException($"the test cluster must have one silo per site, not {string.Join(", ", _siteOfSilo)}");
        await WaitForSiteMetadataAsync();
    }

    // Each new silo takes the next site. Silos may be configured concurrently: without the lock two of them could read
    // the same count and serve the same site, leaving another site with no silo for the whole run.
    private string SiteFor(string siloName)
    {
        lock (_siteOfSilo)
        {
            if (!_siteOfSilo.TryGetValue(siloName, out var site))
                _siteOfSilo[siloName] = site = Sites[_siteOfSilo.Count % Sites.Count];
            return site;
        }
    }

    /// <summary>Waits until every silo sees every active silo, with its site, so placement decisions are final.</summary>
    public Task WaitForSiteMetadataAsync()
    {
        var active = Cluster.Silos.Where(s => s.IsActive).ToList();
        return Eventually.HoldsAsync(() => active.All(silo =>
            silo.ServiceProvider.GetRequiredService<SiteTopology>().ActiveSilos() is var seen
                && seen.Count == active.Count && seen.All(s => s.Site is not null)),
            "every silo to see every other silo active, with its site");
    }

    /// <summary>The site of the silo at <paramref name="address"/>.</summary>
    public string SiteOf(SiloAddress address) =>
        _siteOfSilo[Cluster.Silos.Single(s => s.SiloAddress.Equals(address)).Name];

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (Cluster is not null)
            await Cluster.DisposeAsync();
    }
}
