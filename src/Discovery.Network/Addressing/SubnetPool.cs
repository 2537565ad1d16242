namespace Discovery.Network.Addressing;

/// <summary>
/// Hands out subnets of one size from a pool, first fit: the lowest-addressed subnet that overlaps none already taken.
/// The caller keeps the taken set (a tenant's stored allocations); the pool only decides, so it is tested alone.
/// </summary>
public sealed class SubnetPool
{
    /// <summary>A pool of <paramref name="pool"/> giving out subnets of <paramref name="prefixLength"/> bits.</summary>
    public SubnetPool(Ipv4Subnet pool, int prefixLength)
    {
        if (prefixLength < pool.PrefixLength || prefixLength > 30)
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength,
                $"subnets of {pool} must have a prefix between {pool.PrefixLength} and 30 (room for a gateway and hosts)");
        Pool = pool;
        PrefixLength = prefixLength;
    }

    /// <summary>Where subnets come from.</summary>
    public Ipv4Subnet Pool { get; }

    /// <summary>The size of each subnet handed out.</summary>
    public int PrefixLength { get; }

    /// <summary>How many subnets the pool holds.</summary>
    public long Capacity => Pool.Size >> (32 - PrefixLength);

    /// <summary>The first subnet of the pool that overlaps none of <paramref name="taken"/>, or null when the pool is full.</summary>
    public Ipv4Subnet? Next(IEnumerable<Ipv4Subnet> taken)
    {
        var busy = taken.Where(Pool.Overlaps).OrderBy(t => t.Network).ToList();
        var step = 1L << (32 - PrefixLength);
        var candidate = (long)Pool.Network;
        foreach (var t in busy)
        {
            if (candidate + step - 1 < t.Network)
                break;
            // Jump past this taken subnet, to the next boundary of our size.
            candidate = Math.Max(candidate, ((long)t.Last + 1 + step - 1) / step * step);
        }
        return candidate + step - 1 <= Pool.Last ? Ipv4Subnet.Of((uint)candidate, PrefixLength) : null;
    }
}
