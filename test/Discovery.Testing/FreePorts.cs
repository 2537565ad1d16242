using System.Net;
using System.Net.Sockets;

namespace Discovery.Testing;

/// <summary>Finds TCP ports nobody listens on, so tests never assume they run alone on the machine.</summary>
public static class FreePorts
{
    private static int _next = 20000 + Random.Shared.Next(0, 20000);

    /// <summary>
    /// Returns the first of <paramref name="count"/> consecutive free ports. Ports are handed out from a moving cursor,
    /// so two calls in one test run never return overlapping ranges.
    /// </summary>
    public static int TakeRange(int count)
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var first = Interlocked.Add(ref _next, count) - count;
            if (first + count > 60000)
            {
                Interlocked.Exchange(ref _next, 20000);
                continue;
            }
            if (Enumerable.Range(first, count).All(IsFree))
                return first;
        }
        throw new InvalidOperationException($"found no {count} consecutive free TCP ports");
    }

    /// <summary>One free port.</summary>
    public static int Take() => TakeRange(1);

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
