using Discovery.Abstractions.Events;
using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Events;
using Discovery.Grains.Sites;
using Discovery.Network.Coordinates;
using Discovery.Network.Latency;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Coordinates;

/// <summary>
/// The locality side of one node agent: every interval it measures one neighbour with the silo's probe, moves its
/// Vivaldi coordinate, and swaps part of its view with that neighbour. Neighbour sets and the algorithm are the
/// Discovery.Network library's; this grain holds them and talks to the other agents.
/// </summary>
[SitePlacement]
public sealed class NodeLocalityGrain(
    [PersistentState("locality", StorageNames.State)] IPersistentState<NodeLocalityState> state,
    IRttProbe probe,
    SiteTopology topology,
    ILocalSiloDetails silo,
    IOptions<LocalityOptions> options,
    TimeProvider time,
    ILogger<NodeLocalityGrain> logger) : Grain, INodeLocalityGrain
{
    private const int CloseSize = 8;
    private const int RandomSize = 8;
    private const int GossipSize = 4;
    private const int AnswerSize = 16;

    private readonly Random _random = new();
    private readonly Dictionary<string, NodeCoordinate> _heardCoordinates = new(StringComparer.Ordinal);
    private VivaldiNode<string> _vivaldi = null!;
    private NeighbourSet<string> _neighbours = null!;
    private NodeCoordinate? _published;
    private bool _started;

    private NodeId Id => NodeId.Parse(this.GetPrimaryKeyString());

    private string ProbeAddress => $"{silo.SiloAddress.Endpoint.Address}:{silo.SiloAddress.Endpoint.Port}";

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var vivaldiOptions = new VivaldiOptions { Dimensions = options.Value.Dimensions };
        _vivaldi = new VivaldiNode<string>(vivaldiOptions, _random);
        _neighbours = new NeighbourSet<string>(Id.ToString(), CloseSize, RandomSize);
        if (state.State.Coordinate is { } stored && stored.Vector.Count == vivaldiOptions.Dimensions)
        {
            _vivaldi.Restore(stored.ToNetwork());
            _published = stored;
        }
        _neighbours.Mix(state.State.Close.Concat(state.State.Random), _random);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StartAsync()
    {
        if (_started)
            return;
        _started = true;
        await BootstrapAsync();
        var interval = options.Value.Interval;
        this.RegisterGrainTimer(_ => MeasureOnceAsync(), new GrainTimerCreationOptions(interval * _random.NextDouble(), interval) { KeepAlive = true });
        logger.LogDebug("Node {Node} measures its neighbours every {Interval} with {Probe}", Id, interval, probe.Describe);
    }

    /// <inheritdoc />
    public Task<CoordinateReport> GetCoordinateAsync() =>
        Task.FromResult(new CoordinateReport(Id.ToString(), _vivaldi.Coordinate.ToWire(), ProbeAddress));

    /// <inheritdoc />
    public Task<IReadOnlyList<PeerView>> GossipAsync(string from, IReadOnlyList<PeerView> peers)
    {
        Learn(peers.Append(new PeerView(from, peers.FirstOrDefault(p => p.Node == from)?.Coordinate ?? _heardCoordinates.GetValueOrDefault(from) ?? _vivaldi.Coordinate.ToWire())));
        return Task.FromResult(Sample(GossipSize));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PeerView>> AnswerAsync(IReadOnlyList<PeerView> view, NodeCoordinate target)
    {
        Learn(view);
        IReadOnlyList<PeerView> nearest = _neighbours.Known
            .Where(_heardCoordinates.ContainsKey)
            .Select(p => new PeerView(p, _heardCoordinates[p]))
            .Append(new PeerView(Id.ToString(), _vivaldi.Coordinate.ToWire()))
            .OrderBy(p => p.Coordinate.EstimateRttMs(target))
            .Take(AnswerSize)
            .ToList();
        return Task.FromResult(nearest);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(string Node, double RttMs)>> GetNeighboursAsync() =>
        Task.FromResult<IReadOnlyList<(string, double)>>(_neighbours.Close.Select(c => (c.Peer, c.RttMs)).ToList());

    private async Task MeasureOnceAsync()
    {
        if (!_neighbours.TryNextPartner(_random, out var partner))
        {
            await BootstrapAsync();
            return;
        }
        var peer = GrainFactory.GetGrain<INodeLocalityGrain>(partner);
        try
        {
            var report = await peer.GetCoordinateAsync();
            var rtt = await probe.MeasureAsync(Target(Id.ToString(), ProbeAddress), Target(partner, report.ProbeAddress));
            if (rtt is not { } measured)
            {
                _neighbours.Remove(partner);
                return;
            }
            _vivaldi.Observe(partner, report.Coordinate.ToNetwork(), measured);
            _heardCoordinates[partner] = report.Coordinate;
            _neighbours.Offer(partner, measured);
            Learn(await peer.GossipAsync(Id.ToString(), Sample(GossipSize)));
        }
        catch (Exception e) when (e is SiteUnavailableException or TimeoutException or OrleansException)
        {
            _neighbours.Remove(partner); // its site is down or it does not answer: find others
            _vivaldi.Forget(partner);
            return;
        }
        await StoreIfMovedAsync();
    }

    private async Task StoreIfMovedAsync()
    {
        var now = _vivaldi.Coordinate.ToWire();
        if (_published is not null && now.EstimateRttMs(_published) - now.Height - _published.Height < options.Value.PublishAfterMs)
            return;
        _published = now;
        state.State.Coordinate = now;
        state.State.Close = _neighbours.Close.Select(c => c.Peer).ToList();
        state.State.Random = _neighbours.Random.ToList();
        await state.WriteStateAsync();
        GrainFactory.GetGrain<ISiteGrain>(Id.Site).ReportCoordinateAsync(Id.ToString(), now).Ignore();
        await this.PublishAsync(new CoordinateChanged(Id.Site, time.GetUtcNow(), Id.ToString(), now), logger);
    }

    // The first contacts: a few nodes of this site and of every other site that is up.
    private async Task BootstrapAsync()
    {
        var sites = topology.SitesUp().ToList();
        var names = await Task.WhenAll(sites.Select(async site =>
        {
            try
            {
                return (await GrainFactory.GetGrain<ISiteGrain>(site).GetNodeNamesAsync()).Select(n => $"{site}/{n}").ToList();
            }
            catch (Exception e) when (e is SiteUnavailableException or TimeoutException)
            {
                return [];
            }
        }));
        var candidates = names.SelectMany(n => n).Where(n => n != Id.ToString()).OrderBy(_ => _random.Next()).Take(RandomSize * 2);
        _neighbours.Mix(candidates, _random);
    }

    private void Learn(IEnumerable<PeerView> peers)
    {
        foreach (var peer in peers.Where(p => p.Node != Id.ToString() && p.Coordinate.Vector.Count == options.Value.Dimensions))
        {
            _heardCoordinates[peer.Node] = peer.Coordinate;
            _neighbours.Mix([peer.Node], _random);
            _neighbours.Offer(peer.Node, _vivaldi.Coordinate.ToWire().EstimateRttMs(peer.Coordinate));
        }
        // Only peers still known keep a coordinate here.
        foreach (var forgotten in _heardCoordinates.Keys.Except(_neighbours.Known).ToList())
            _heardCoordinates.Remove(forgotten);
    }

    private IReadOnlyList<PeerView> Sample(int count) =>
        _neighbours.Sample(count, _random).Where(_heardCoordinates.ContainsKey).Select(p => new PeerView(p, _heardCoordinates[p]))
            .Append(new PeerView(Id.ToString(), _vivaldi.Coordinate.ToWire()))
            .ToList();

    private static ProbeTarget Target(string node, string? address) => new(node, NodeId.Parse(node).Site, address);
}
