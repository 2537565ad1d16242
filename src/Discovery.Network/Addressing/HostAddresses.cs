namespace Discovery.Network.Addressing;

/// <summary>
/// Host addresses inside a VE's subnet: offset 1 is the gateway (reserved for a router the VE may get), VMs take the
/// lowest free offset from 2 up, and the broadcast address is never handed out.
/// </summary>
public static class HostAddresses
{
    /// <summary>The offset of the gateway address.</summary>
    public const long Gateway = 1;

    /// <summary>The first offset a VM may get.</summary>
    public const long FirstHost = 2;

    /// <summary>The lowest free VM offset of <paramref name="subnet"/>, or null when every host address is taken.</summary>
    public static long? Next(Ipv4Subnet subnet, IReadOnlySet<long> taken)
    {
        for (var offset = FirstHost; offset < subnet.Size - 1; offset++)
            if (!taken.Contains(offset))
                return offset;
        return null;
    }
}
