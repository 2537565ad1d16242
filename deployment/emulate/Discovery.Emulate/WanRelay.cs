using System.Diagnostics;
using Discovery.Network.Emulation;

namespace Discovery.Emulate;

/// <summary>
/// The emulated backbone's data path: one TUN device per site, routes in each site's namespace send the other sites'
/// WAN addresses into it; this relay reads each packet, asks the <see cref="LinkShaper"/> when it arrives, and writes it
/// into the destination site's device at that time. Delay and rate thus sit on the real path of every packet — a TCP
/// handshake, an Orleans message, a chunk transfer — without the kernel's netem qdisc, which this machine lacks.
/// </summary>
internal sealed class WanRelay(EmulatedBackbone plan, IReadOnlyList<TunDevice> devices)
{
    // Below this, the sender thread spins instead of sleeping: a sleep can overshoot by about a millisecond, which is
    // the order of the shortest delays of a national backbone.
    private const double SpinBelowMs = 1.5;

    private readonly LinkShaper _shaper = new(plan.OneWayDelayMs, plan.RateMbps);
    private readonly PriorityQueue<(int To, byte[] Packet), (double DueMs, long Sequence)> _inFlight = new();
    private readonly object _gate = new();
    private long _sequence;
    private long _relayed;
    private long _dropped;

    public long Relayed => Interlocked.Read(ref _relayed);
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Start()
    {
        for (var i = 0; i < devices.Count; i++)
        {
            var from = i;
            new Thread(() => Receive(from)) { IsBackground = true, Name = $"wan-in-{plan.Sites[from].Name}" }.Start();
        }
        new Thread(Deliver) { IsBackground = true, Name = "wan-out", Priority = ThreadPriority.AboveNormal }.Start();
    }

    private static double NowMs => Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;

    private void Receive(int from)
    {
        var buffer = new byte[65536];
        while (true)
        {
            var length = devices[from].Read(buffer);
            // IPv4 only: the destination address is bytes 16-19 of the header. Anything else (IPv6 router
            // solicitations) has nowhere to go.
            if (length < 20 || buffer[0] >> 4 != 4)
                continue;
            var to = plan.IndexOfWanAddress(buffer.AsSpan(16, 4));
            if (to < 0 || to == from)
                continue;
            var packet = buffer.AsSpan(0, length).ToArray();
            lock (_gate)
            {
                if (_shaper.Admit(from, to, length, NowMs) is not { } due)
                {
                    _dropped++;
                    continue;
                }
                _inFlight.Enqueue((to, packet), (due, _sequence++));
                Monitor.Pulse(_gate);
            }
        }
    }

    private void Deliver()
    {
        var spinner = new SpinWait();
        while (true)
        {
            (int To, byte[] Packet) next;
            lock (_gate)
            {
                if (!_inFlight.TryPeek(out _, out var key))
                {
                    Monitor.Wait(_gate);
                    continue;
                }
                var wait = key.DueMs - NowMs;
                if (wait > SpinBelowMs)
                {
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(wait - SpinBelowMs + 0.5));
                    continue;
                }
                if (wait > 0)
                    next = default;
                else
                    next = _inFlight.Dequeue();
            }
            if (next.Packet is null)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }
            spinner.Reset();
            devices[next.To].Write(next.Packet);
            Interlocked.Increment(ref _relayed);
        }
    }
}
