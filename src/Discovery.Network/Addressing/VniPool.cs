namespace Discovery.Network.Addressing;

/// <summary>VXLAN network ids: 24 bits; the first 4096 are left to operators (and to VLAN-numbered networks).</summary>
public static class VniPool
{
    /// <summary>The lowest VNI handed out.</summary>
    public const int First = 4096;

    /// <summary>The highest VNI (24 bits).</summary>
    public const int Last = (1 << 24) - 1;

    /// <summary>The lowest free VNI, or null when all are taken.</summary>
    public static int? Next(IReadOnlySet<int> taken)
    {
        for (var vni = First; vni <= Last; vni++)
            if (!taken.Contains(vni))
                return vni;
        return null;
    }
}
