namespace Discovery.Network.Emulation;

/// <summary>
/// When a packet sent from one site to another arrives, on links with a one-way delay and a rate: each directed pair
/// is a FIFO link that serialises packets at its rate, then holds them for its delay, and drops a packet that would
/// wait longer than <see cref="MaxQueueDelayMs"/> to be sent (a router's tail drop). Times are in ms on any clock the
/// caller uses; the shaper never reads a clock, so it is tested with plain numbers.
/// </summary>
public sealed class LinkShaper
{
    private readonly double[][] _delayMs;
    private readonly double[,] _msPerByte;
    private readonly double[,] _linkFreeAtMs;

    /// <summary>Links with one-way delays <paramref name="oneWayDelayMs"/>[from][to] and <paramref name="rateMbps"/> each.</summary>
    public LinkShaper(double[][] oneWayDelayMs, double rateMbps, double maxQueueDelayMs = 200)
        : this(oneWayDelayMs, oneWayDelayMs.Select(row => row.Select(_ => rateMbps).ToArray()).ToArray(), maxQueueDelayMs)
    {
    }

    /// <summary>Links with one-way delays <paramref name="oneWayDelayMs"/>[from][to] and rates <paramref name="rateMbps"/>[from][to].</summary>
    public LinkShaper(double[][] oneWayDelayMs, double[][] rateMbps, double maxQueueDelayMs = 200)
    {
        var n = oneWayDelayMs.Length;
        if (rateMbps.Length != n || rateMbps.Any(row => row.Length != n) || oneWayDelayMs.Any(row => row.Length != n))
            throw new ArgumentException($"delays and rates must both be {n}×{n} matrices");
        _delayMs = oneWayDelayMs;
        _msPerByte = new double[n, n];
        for (var from = 0; from < n; from++)
            for (var to = 0; to < n; to++)
            {
                var rate = rateMbps[from][to];
                if (from != to && !(rate > 0 && double.IsFinite(rate)))
                    throw new ArgumentOutOfRangeException(nameof(rateMbps), rate, $"the rate from site {from} to site {to} must be positive");
                _msPerByte[from, to] = from == to ? 0 : 8.0 / (rate * 1000.0);
            }
        _linkFreeAtMs = new double[n, n];
        MaxQueueDelayMs = maxQueueDelayMs;
    }

    /// <summary>Longest a packet may wait for its link before it is dropped, in ms.</summary>
    public double MaxQueueDelayMs { get; }

    /// <summary>
    /// When a packet of <paramref name="bytes"/> sent at <paramref name="nowMs"/> from site <paramref name="from"/> to
    /// site <paramref name="to"/> is delivered, or null when the link's queue is full and it is dropped.
    /// </summary>
    public double? Admit(int from, int to, int bytes, double nowMs)
    {
        var start = Math.Max(nowMs, _linkFreeAtMs[from, to]);
        if (start - nowMs > MaxQueueDelayMs)
            return null;
        var sent = start + bytes * _msPerByte[from, to];
        _linkFreeAtMs[from, to] = sent;
        return sent + _delayMs[from][to];
    }
}
