using Discovery.Network.Addressing;

namespace Discovery.Network.Tests.Addressing;

public sealed class SubnetPoolTests
{
    private static Ipv4Subnet S(string text) => Ipv4Subnet.Parse(text);

    [Fact]
    public void Subnets_parse_print_and_know_their_bounds()
    {
        var subnet = S("10.128.3.0/24");
        Assert.Equal("10.128.3.0/24", subnet.ToString());
        Assert.Equal(256, subnet.Size);
        Assert.Equal("10.128.3.1", subnet.Address(1).ToString());
        Assert.True(S("10.128.0.0/16").Contains(subnet));
        Assert.True(subnet.Overlaps(S("10.128.0.0/16")));
        Assert.False(subnet.Overlaps(S("10.128.4.0/24")));
    }

    [Theory]
    [InlineData("10.128.3.1/24", "host bits")]
    [InlineData("10.128.3.0", "not an IPv4 subnet")]
    [InlineData("10.128.3.0/33", "between 0 and 32")]
    [InlineData("fe80::/64", "not an IPv4 subnet")]
    public void A_malformed_subnet_is_refused_with_the_reason(string text, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => S(text)).Message);

    [Fact]
    public void The_first_subnets_are_handed_out_in_order_and_a_released_one_is_reused_first()
    {
        var pool = new SubnetPool(S("10.128.0.0/16"), 24);
        var taken = new List<Ipv4Subnet>();
        for (var i = 0; i < 3; i++)
            taken.Add(pool.Next(taken)!.Value);
        Assert.Equal(["10.128.0.0/24", "10.128.1.0/24", "10.128.2.0/24"], taken.Select(t => t.ToString()));

        taken.RemoveAt(1);
        Assert.Equal("10.128.1.0/24", pool.Next(taken)?.ToString());
    }

    [Fact]
    public void Subnets_of_other_sizes_already_taken_are_stepped_over()
    {
        var pool = new SubnetPool(S("10.128.0.0/16"), 24);
        Assert.Equal("10.128.4.0/24", pool.Next([S("10.128.0.0/22")])?.ToString());
        Assert.Equal("10.128.0.0/24", pool.Next([S("10.128.1.128/25")])?.ToString());
        Assert.Equal("10.128.2.0/24", pool.Next([S("10.128.0.0/24"), S("10.128.1.128/25")])?.ToString());
        Assert.Equal("10.128.0.0/24", pool.Next([S("192.168.0.0/16")])?.ToString());
    }

    [Fact]
    public void A_full_pool_gives_nothing()
    {
        var pool = new SubnetPool(S("10.128.0.0/23"), 24);
        Assert.Equal(2, pool.Capacity);
        Assert.Null(pool.Next([S("10.128.0.0/24"), S("10.128.1.0/24")]));
    }

    [Fact]
    public void Random_allocations_and_releases_never_overlap_and_stay_in_the_pool()
    {
        var random = new Random(13);
        var pool = new SubnetPool(S("10.128.0.0/18"), 24);
        var taken = new List<Ipv4Subnet>();
        for (var step = 0; step < 2_000; step++)
        {
            if (taken.Count > 0 && random.NextDouble() < 0.4)
            {
                taken.RemoveAt(random.Next(taken.Count));
                continue;
            }
            if (pool.Next(taken) is not { } next)
            {
                Assert.Equal(pool.Capacity, taken.Count);
                continue;
            }
            Assert.True(pool.Pool.Contains(next));
            Assert.DoesNotContain(taken, t => t.Overlaps(next));
            taken.Add(next);
        }
    }

    [Fact]
    public void Vm_addresses_skip_the_network_gateway_and_broadcast()
    {
        var subnet = S("10.128.7.0/29");
        Assert.Equal(2, HostAddresses.Next(subnet, new HashSet<long>()));
        Assert.Equal(4, HostAddresses.Next(subnet, new HashSet<long> { 2, 3 }));
        Assert.Null(HostAddresses.Next(subnet, new HashSet<long> { 2, 3, 4, 5, 6 }));
    }
}
