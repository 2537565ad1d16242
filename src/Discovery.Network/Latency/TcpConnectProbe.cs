using System.Diagnostics;
using System.Net.Sockets;

namespace Discovery.Network.Latency;

/// <summary>
/// A real measurement: the time a TCP connection to the peer's agent address takes to open (one round trip for the
/// handshake). Used by real and multi-process deployments.
/// </summary>
public sealed class TcpConnectProbe(TimeSpan timeout) : IRttProbe
{
    /// <inheritdoc />
    public string Describe => "tcp connect";

    /// <inheritdoc />
    public async Task<double?> MeasureAsync(ProbeTarget from, ProbeTarget to, CancellationToken cancellationToken = default)
    {
        if (to.Address is null || !TrySplit(to.Address, out var host, out var port))
            return null;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var client = new TcpClient { NoDelay = true };
        var clock = Stopwatch.StartNew();
        try
        {
            await client.ConnectAsync(host, port, timeoutSource.Token);
            return clock.Elapsed.TotalMilliseconds;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null; // unreachable or too slow: no sample this time
        }
    }

    private static bool TrySplit(string address, out string host, out int port)
    {
        var colon = address.LastIndexOf(':');
        host = colon > 0 ? address[..colon] : "";
        port = 0;
        return colon > 0 && int.TryParse(address[(colon + 1)..], out port) && port is > 0 and < 65536;
    }
}
