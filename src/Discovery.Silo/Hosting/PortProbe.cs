using System.Net;
using System.Net.Sockets;

namespace Discovery.Silo.Hosting;

/// <summary>
/// Checks that a TCP port can be bound. Two silos given the same ports start without complaint and then fail with
/// "Unexpected cluster id" deep in Orleans, so the clash is detected here, before start.
/// </summary>
public static class PortProbe
{
    /// <summary>True when nothing listens on <paramref name="port"/> of any local address.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Server.ExclusiveAddressUse = true;
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
