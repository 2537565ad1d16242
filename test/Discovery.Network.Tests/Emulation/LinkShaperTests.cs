using Discovery.Network.Emulation;

namespace Discovery.Network.Tests.Emulation;

public sealed class LinkShaperTests
{
    private static readonly double[][] TwoSites = [[0, 4], [6, 0]];

    [Fact]
    public void A_lone_packet_arrives_after_its_serialisation_and_the_pairs_one_way_delay()
    {
        // 100 Mb/s: 1250 bytes take 0.1 ms to send.
        var shaper = new LinkShaper(TwoSites, rateMbps: 100);
        Assert.Equal(10 + 0.1 + 4, shaper.Admit(0, 1, 1250, nowMs: 10)!.Value, precision: 9);
        Assert.Equal(10 + 0.1 + 6, shaper.Admit(1, 0, 1250, nowMs: 10)!.Value, precision: 9);
    }

    [Fact]
    public void Back_to_back_packets_queue_behind_each_other_so_a_burst_takes_its_size_over_the_rate()
    {
        var shaper = new LinkShaper(TwoSites, rateMbps: 8); // 1 byte per µs
        var arrivals = Enumerable.Range(0, 10).Select(_ => shaper.Admit(0, 1, 1000, nowMs: 0)!.Value).ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i * 1.0 + 4), arrivals);
    }

    [Fact]
    public void Directions_and_pairs_have_their_own_queues()
    {
        var shaper = new LinkShaper(TwoSites, rateMbps: 8);
        shaper.Admit(0, 1, 100_000, nowMs: 0); // 100 ms of sending from 0 to 1
        Assert.Equal(0 + 1 + 6, shaper.Admit(1, 0, 1000, nowMs: 0)!.Value, precision: 9);
    }

    [Fact]
    public void A_packet_that_would_wait_longer_than_the_queue_allows_is_dropped_and_takes_no_room()
    {
        var shaper = new LinkShaper(TwoSites, rateMbps: 8, maxQueueDelayMs: 50);
        Assert.NotNull(shaper.Admit(0, 1, 60_000, nowMs: 0)); // the link is busy until 60 ms
        Assert.Null(shaper.Admit(0, 1, 1000, nowMs: 5));
        Assert.Equal(60 + 1 + 4, shaper.Admit(0, 1, 1000, nowMs: 20)!.Value, precision: 9);
    }

    [Fact]
    public void Arrivals_on_one_link_never_overtake_each_other()
    {
        var random = new Random(7);
        var shaper = new LinkShaper([[0, 3], [3, 0]], rateMbps: 10);
        var now = 0.0;
        var last = double.NegativeInfinity;
        for (var i = 0; i < 10_000; i++)
        {
            now += random.NextDouble() * 2;
            if (shaper.Admit(0, 1, random.Next(40, 1500), now) is not { } arrival)
                continue;
            Assert.True(arrival >= last, $"packet {i} arrives at {arrival} before the previous one at {last}");
            Assert.True(arrival >= now + 3);
            last = arrival;
        }
    }

    [Fact]
    public void Each_directed_pair_serialises_at_its_own_rate()
    {
        // 8 Mb/s is one byte per µs; 80 Mb/s ten bytes per µs.
        var shaper = new LinkShaper([[0, 0], [0, 0]], new[] { new double[] { 0, 8 }, new double[] { 80, 0 } });

        Assert.Equal(1.0, shaper.Admit(0, 1, 1000, nowMs: 0)!.Value, precision: 9);
        Assert.Equal(0.1, shaper.Admit(1, 0, 1000, nowMs: 0)!.Value, precision: 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkShaper([[0, 0], [0, 0]], new[] { new double[] { 0, 0 }, new double[] { 8, 0 } }));
    }
}
