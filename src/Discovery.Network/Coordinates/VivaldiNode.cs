namespace Discovery.Network.Coordinates;

/// <summary>
/// One node's side of Vivaldi: its coordinate, moved a little toward agreement with each RTT it measures to a peer.
/// Spring relaxation weighted by both nodes' error estimates (Dabek et al. 2004, with height vectors), and the
/// refinements of Ledlie et al. 2007: a moving-median latency filter per peer, a bounded step, an adjustment term from
/// recent prediction errors, and gravity toward the origin so the whole system does not drift. Each pull is also
/// scaled by how short the path is against the node's typical one (<see cref="VivaldiOptions.RelativeWeight"/>).
/// </summary>
/// <typeparam name="TPeer">How peers are named.</typeparam>
public sealed class VivaldiNode<TPeer> where TPeer : notnull
{
    private const double Tiny = 1e-6;

    private readonly VivaldiOptions _options;
    private readonly Random _random;
    private readonly Dictionary<TPeer, LatencyFilter> _filters = [];
    private readonly double[] _adjustmentSamples;
    private int _adjustmentNext;
    private int _adjustmentCount;
    private NetworkCoordinate? _origin;
    private double _logRttSum; // of every filtered sample, for the typical RTT
    private long _samples;

    /// <summary>A node at the origin, knowing nothing yet.</summary>
    public VivaldiNode(VivaldiOptions options, Random random)
    {
        if (options.Validate() is { } problem)
            throw new ArgumentException($"Vivaldi options: {problem}", nameof(options));
        _options = options;
        _random = random;
        _adjustmentSamples = new double[options.AdjustmentWindow];
        Coordinate = NetworkCoordinate.Origin(options);
    }

    /// <summary>The current coordinate.</summary>
    public NetworkCoordinate Coordinate { get; private set; }

    /// <summary>How many peers the latency filter tracks.</summary>
    public int TrackedPeers => _filters.Count;

    /// <summary>
    /// Takes one RTT measurement to <paramref name="peer"/>, whose coordinate is <paramref name="peerCoordinate"/>, and
    /// moves this node's coordinate. Returns the filtered RTT that was used.
    /// </summary>
    public double Observe(TPeer peer, NetworkCoordinate peerCoordinate, double rttMs)
    {
        if (!double.IsFinite(rttMs) || rttMs <= 0)
            throw new ArgumentOutOfRangeException(nameof(rttMs), rttMs, "an RTT must be a positive number of ms");
        if (!Coordinate.IsCompatibleWith(peerCoordinate))
            throw new ArgumentException($"peer coordinate has {peerCoordinate.Vector.Length} dimensions, this node {Coordinate.Vector.Length}", nameof(peerCoordinate));

        if (!_filters.TryGetValue(peer, out var filter))
            _filters[peer] = filter = new LatencyFilter(_options.LatencyFilterSize);
        var rtt = filter.Add(rttMs);
        _samples++;
        _logRttSum += Math.Log(rtt);
        Relax(peerCoordinate, rtt);
        Adjust(peerCoordinate, rtt);
        Gravitate();
        return rtt;
    }

    /// <summary>Forgets a peer's latency history (it left, or changed address).</summary>
    public void Forget(TPeer peer) => _filters.Remove(peer);

    /// <summary>Starts from a known coordinate (e.g. one kept in storage).</summary>
    public void Restore(NetworkCoordinate coordinate)
    {
        if (!Coordinate.IsCompatibleWith(coordinate))
            throw new ArgumentException($"stored coordinate has {coordinate.Vector.Length} dimensions, the options say {Coordinate.Vector.Length}", nameof(coordinate));
        Coordinate = coordinate;
    }

    // The spring step: error-weighted, so a confident node moves little toward an unsure one.
    private void Relax(NetworkCoordinate peer, double rtt)
    {
        var me = Coordinate;
        var distance = me.RawDistance(peer);
        var wrongness = Math.Abs(distance - rtt) / rtt;
        var weight = me.Error / Math.Max(me.Error + peer.Error, Tiny);
        var error = Math.Min(_options.ErrorGain * weight * wrongness + me.Error * (1 - _options.ErrorGain * weight), _options.ErrorMax);
        // A pull of at most MaxPullRatio × RTT: on real networks the worst-predicted pairs break the triangle
        // inequality (detours, congested paths), and letting them pull in full distorts everyone's coordinates.
        var limit = _options.MaxPullRatio > 0 ? _options.MaxPullRatio * rtt : double.PositiveInfinity;
        var pull = Math.Clamp(rtt - distance, -limit, limit);
        // At most 1: one sample never moves a node past agreement with it, however short its path.
        var gain = Math.Min(_options.Timestep * weight * RelativeScale(rtt), 1);
        var force = Math.Clamp(gain * pull, -_options.MaxStepMs, _options.MaxStepMs);
        Coordinate = Push(me, peer, force) with { Error = error };
    }

    // (typical / rtt)^RelativeWeight, typical being the geometric mean of this node's own samples: short paths pull
    // harder, so the fit follows relative rather than absolute error.
    private double RelativeScale(double rtt)
    {
        if (_options.RelativeWeight == 0)
            return 1;
        var typical = Math.Exp(_logRttSum / _samples);
        return Math.Pow(typical / rtt, _options.RelativeWeight);
    }

    // The adjustment term: half the mean recent error between measured and predicted RTT (Ledlie et al. §5).
    private void Adjust(NetworkCoordinate peer, double rtt)
    {
        if (_adjustmentSamples.Length == 0)
            return;
        _adjustmentSamples[_adjustmentNext] = rtt - Coordinate.RawDistance(peer);
        _adjustmentNext = (_adjustmentNext + 1) % _adjustmentSamples.Length;
        _adjustmentCount = Math.Min(_adjustmentCount + 1, _adjustmentSamples.Length);
        var sum = 0.0;
        for (var i = 0; i < _adjustmentCount; i++)
            sum += _adjustmentSamples[i];
        Coordinate = Coordinate with { Adjustment = sum / (2.0 * _adjustmentSamples.Length) };
    }

    // A weak pull toward the origin that grows with the square of the distance from it.
    private void Gravitate()
    {
        _origin ??= NetworkCoordinate.Origin(_options) with { Height = 0 };
        var distance = Coordinate.RawDistance(_origin);
        var force = -Math.Pow(distance / _options.GravityRhoMs, 2);
        Coordinate = Push(Coordinate, _origin, force);
    }

    // Moves `me` by `force` ms along the direction away from `from` (toward it when negative); the height takes its
    // share of the move, never going under the minimum.
    private NetworkCoordinate Push(NetworkCoordinate me, NetworkCoordinate from, double force)
    {
        var n = me.Vector.Length;
        var direction = new double[n];
        for (var i = 0; i < n; i++)
            direction[i] = me.Vector[i] - from.Vector[i];
        var magnitude = Length(direction);
        if (magnitude < Tiny)
        {
            // Two nodes at one point: pick a random direction so they can separate.
            for (var i = 0; i < n; i++)
                direction[i] = _random.NextDouble() - 0.5;
            var length = Length(direction);
            for (var i = 0; i < n; i++)
                direction[i] /= length;
            magnitude = 0;
        }
        else
        {
            for (var i = 0; i < n; i++)
                direction[i] /= magnitude;
        }
        var vector = new double[n];
        for (var i = 0; i < n; i++)
            vector[i] = me.Vector[i] + direction[i] * force;
        var height = magnitude < Tiny
            ? me.Height
            : Math.Max(me.Height + (me.Height + from.Height) * force / magnitude, _options.HeightMinMs);
        return me with { Vector = vector, Height = height };
    }

    private static double Length(double[] vector)
    {
        var sum = 0.0;
        foreach (var v in vector)
            sum += v * v;
        return Math.Sqrt(sum);
    }
}

/// <summary>The moving median of a peer's last few RTT samples: one spike does not move a coordinate.</summary>
public sealed class LatencyFilter(int size)
{
    private readonly double[] _samples = new double[size];
    private int _next;
    private int _count;

    /// <summary>Adds a sample and returns the median of the kept ones.</summary>
    public double Add(double sample)
    {
        _samples[_next] = sample;
        _next = (_next + 1) % _samples.Length;
        _count = Math.Min(_count + 1, _samples.Length);
        // On the stack for the usual few samples: this runs on every measurement.
        Span<double> kept = _count <= 32 ? stackalloc double[_count] : new double[_count];
        _samples.AsSpan(0, _count).CopyTo(kept);
        kept.Sort();
        return _count % 2 == 1 ? kept[_count / 2] : (kept[_count / 2 - 1] + kept[_count / 2]) / 2;
    }
}

