using Discovery.Network.Latency;

namespace Discovery.Network.Coordinates;

/// <summary>
/// Runs the library's Vivaldi and neighbour sets over a measured RTT matrix, as the nodes would: every round each node
/// measures one partner from its own neighbour set (the matrix value is the measurement), updates its coordinate and
/// swaps part of its view with the partner. No node ever sees the matrix beyond its own measurements.
/// </summary>
public sealed class VivaldiSimulation
{
    /// <summary>Close neighbours per node.</summary>
    public const int CloseSize = 8;

    /// <summary>Random view size per node.</summary>
    public const int RandomSize = 8;

    /// <summary>Peers sent in one gossip exchange.</summary>
    public const int GossipSize = 4;

    private readonly IRttSource _matrix;
    private readonly Random _random;
    private readonly VivaldiNode<int>[] _nodes;
    private readonly NeighbourSet<int>[] _neighbours;

    /// <summary>Sets up every node at the origin, each knowing a few random peers (its bootstrap contacts).</summary>
    public VivaldiSimulation(IRttSource matrix, VivaldiOptions options, int seed)
    {
        _matrix = matrix;
        _random = new Random(seed);
        _nodes = Enumerable.Range(0, matrix.Count).Select(_ => new VivaldiNode<int>(options, _random)).ToArray();
        _neighbours = Enumerable.Range(0, matrix.Count).Select(i => new NeighbourSet<int>(i, CloseSize, RandomSize)).ToArray();
        for (var i = 0; i < matrix.Count; i++)
            _neighbours[i].Mix(Enumerable.Range(0, RandomSize).Select(_ => _random.Next(matrix.Count)), _random);
    }

    /// <summary>Called with (node, partner, RTT in ms) for every update, e.g. to replay the run with another implementation.</summary>
    public Action<int, int, double>? OnUpdate { get; set; }

    /// <summary>How many updates were applied so far.</summary>
    public long Updates { get; private set; }

    /// <summary>Node <paramref name="i"/>'s coordinate.</summary>
    public NetworkCoordinate CoordinateOf(int i) => _nodes[i].Coordinate;

    /// <summary>Node <paramref name="i"/>'s neighbours.</summary>
    public NeighbourSet<int> NeighboursOf(int i) => _neighbours[i];

    /// <summary>Runs <paramref name="rounds"/> rounds.</summary>
    public void Run(int rounds)
    {
        for (var round = 0; round < rounds; round++)
            for (var i = 0; i < _nodes.Length; i++)
                Step(i);
    }

    private void Step(int i)
    {
        var neighbours = _neighbours[i];
        if (!neighbours.TryNextPartner(_random, out var partner))
            return;
        if (_matrix.RttMs(i, partner) is not { } rtt)
        {
            neighbours.Remove(partner); // cannot be measured: like a peer that does not answer probes
            Learn(i, _neighbours[partner].Sample(GossipSize, _random));
            return;
        }
        _nodes[i].Observe(partner, _nodes[partner].Coordinate, rtt);
        Updates++;
        OnUpdate?.Invoke(i, partner, rtt);
        neighbours.Offer(partner, rtt);
        // Gossip: both sides learn part of the other's view; what they hear of may become a close neighbour.
        var theirs = _neighbours[partner].Sample(GossipSize, _random);
        var mine = neighbours.Sample(GossipSize, _random);
        Learn(i, theirs);
        Learn(partner, mine.Append(i));
    }

    private void Learn(int node, IEnumerable<int> peers)
    {
        var list = new List<int>();
        foreach (var peer in peers)
        {
            if (peer != node)
                list.Add(peer);
        }
        var neighbours = _neighbours[node];
        neighbours.Mix(list, _random);
        var me = _nodes[node].Coordinate;
        foreach (var peer in list)
            neighbours.Offer(peer, me.EstimateRttMs(_nodes[peer].Coordinate));
    }

    /// <summary>How many peers a node answers a search with.</summary>
    public const int AnswerSize = 16;

    /// <summary>
    /// Node <paramref name="node"/> answering a search toward <paramref name="target"/>: the peers it has heard of that
    /// are nearest the target. It learns from the view passing through it: any peer there nearer than its close
    /// neighbours takes their place.
    /// </summary>
    public IReadOnlyList<PeerCoordinate<int>> Answer(int node, IReadOnlyList<PeerCoordinate<int>> view, NetworkCoordinate target)
    {
        foreach (var peer in view)
            _neighbours[node].Offer(peer.Peer, _nodes[node].Coordinate.EstimateRttMs(peer.Coordinate));
        return _neighbours[node].Known
            .Select(p => new PeerCoordinate<int>(p, _nodes[p].Coordinate))
            .OrderBy(p => p.Coordinate.EstimateRttMs(target))
            .Take(AnswerSize)
            .ToList();
    }

    /// <summary>Accuracy over every measured pair.</summary>
    public VivaldiAccuracy Accuracy()
    {
        var relative = new List<double>();
        var absolute = new List<double>();
        foreach (var (i, j, rtt) in MeasuredPairs())
        {
            var estimate = _nodes[i].Coordinate.EstimateRttMs(_nodes[j].Coordinate);
            relative.Add(Math.Abs(estimate - rtt) / rtt);
            absolute.Add(Math.Abs(estimate - rtt));
        }
        return new VivaldiAccuracy(relative.Count, Percentile(relative, 0.5), Percentile(relative, 0.9), Percentile(absolute, 0.5), Percentile(absolute, 0.9));
    }

    private IEnumerable<(int I, int J, double RttMs)> MeasuredPairs()
    {
        for (var i = 0; i < _matrix.Count; i++)
            for (var j = i + 1; j < _matrix.Count; j++)
                if (_matrix.RttMs(i, j) is { } rtt)
                    yield return (i, j, rtt);
    }

    /// <summary>The <paramref name="q"/>-quantile of <paramref name="values"/> (nearest rank).</summary>
    public static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>How well coordinates predict measured RTTs.</summary>
public sealed record VivaldiAccuracy(int MeasuredPairs, double MedianRelativeError, double P90RelativeError, double MedianAbsErrorMs, double P90AbsErrorMs);
