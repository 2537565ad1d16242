using System.Collections.Concurrent;
using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Sites;
using Discovery.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Discovery.Dashboard.Services;

/// <summary>
/// What the console keeps live for every page: the latest events of every site (from the cluster's event streams),
/// every node's latest coordinate, and whether the cluster answers. Pages subscribe to <see cref="Changed"/>.
/// </summary>
public sealed class LiveFeed(DiscoveryClient client, ClusterView cluster, ILogger<LiveFeed> logger) : BackgroundService
{
    /// <summary>How many recent events are kept.</summary>
    public const int RecentCapacity = 1000;

    private static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, NodeCoordinate> _coordinates = new(StringComparer.Ordinal);
    private readonly LinkedList<DiscoveryEvent> _recent = new();
    private readonly Lock _recentLock = new();
    private readonly HashSet<string> _subscribedSites = new(StringComparer.Ordinal);
    private readonly List<IAsyncDisposable> _subscriptions = [];

    /// <summary>Raised (on a pool thread) after any event, coordinate or health change.</summary>
    public event Action? Changed;

    /// <summary>Null while the cluster answers; otherwise why the last attempt to reach it failed.</summary>
    public string? Unreachable { get; private set; }

    /// <summary>The sites as last seen, ordered by name.</summary>
    public IReadOnlyList<SiteOverview> Sites { get; private set; } = [];

    /// <summary>Leaders of the scheduling procedures running now (from their started / resolved / unsolvable events).</summary>
    public IReadOnlyCollection<string> ActiveProcedures => _active.Keys.ToList();

    private readonly ConcurrentDictionary<string, DateTimeOffset> _active = new(StringComparer.Ordinal);

    /// <summary>Every node's latest known coordinate.</summary>
    public IReadOnlyDictionary<string, NodeCoordinate> Coordinates => _coordinates;

    /// <summary>The most recent events, newest first.</summary>
    public IReadOnlyList<DiscoveryEvent> Recent
    {
        get
        {
            lock (_recentLock)
                return _recent.ToList();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RefreshAsync();
            try
            {
                await Task.Delay(HealthInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var subscription in _subscriptions)
            await subscription.DisposeAsync();
    }

    // Checks the cluster answers, subscribes to sites that appeared, and loads coordinates the feed has not seen yet.
    private async Task RefreshAsync()
    {
        try
        {
            Sites = await cluster.SitesAsync();
            var fresh = Sites.Select(s => s.Name).Where(s => !_subscribedSites.Contains(s)).ToList();
            if (fresh.Count > 0)
            {
                _subscriptions.Add(await client.SubscribeAsync(fresh, OnEventAsync));
                _subscribedSites.UnionWith(fresh);
            }
            foreach (var site in Sites.Where(s => s.IsUp))
            {
                var missing = (await cluster.NodeIdsAsync(site.Name)).Where(n => !_coordinates.ContainsKey(n)).ToList();
                await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (node, _) =>
                {
                    if (await cluster.CoordinateAsync(node) is { } coordinate)
                        _coordinates.TryAdd(node, coordinate);
                });
            }
            var wasDown = Unreachable is not null;
            Unreachable = null;
            if (wasDown)
                logger.LogInformation("The cluster answers again");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (Unreachable is null)
                logger.LogWarning("The cluster does not answer: {Problem}", e.Message);
            Unreachable = e.Message;
        }
        Changed?.Invoke();
    }

    private Task OnEventAsync(DiscoveryEvent e)
    {
        if (e is SchedulingStepped step)
        {
            if (step.Step == "started")
                _active[step.Node] = step.At;
            else
                _active.TryRemove(step.Node, out _);
        }
        if (e is CoordinateChanged moved)
            _coordinates[moved.Node] = moved.Coordinate;
        else
        {
            lock (_recentLock)
            {
                _recent.AddFirst(e);
                if (_recent.Count > RecentCapacity)
                    _recent.RemoveLast();
            }
        }
        Changed?.Invoke();
        return Task.CompletedTask;
    }
}
