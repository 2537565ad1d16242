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
    private readonly double _msPerByte;
    private readonly double[,] _linkFreeAtMs;

    /// <summary>Links with one-way delays <paramref name="oneWayDelayMs"/>[from][to] and <paramref name="rateMbps"/> each.</summary>
    public LinkShaper(double[][] oneWayDelayMs, double rateMbps, double maxQueueDelayMs = 200)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rateMbps);
        _delayMs = oneWayDelayMs;
        _msPerByte = 8.0 / (rateMbps * 1000.0);
        _linkFreeAtMs = new double[oneWayDelayMs.Length, oneWayDelayMs.Length];
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
        var sent = start + bytes * _msPerByte;
        _linkFreeAtMs[from, to] = sent;
        return sent + _delayMs[from][to];
    }
}
