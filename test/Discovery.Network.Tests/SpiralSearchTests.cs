using Discovery.Network.Coordinates;

namespace Discovery.Network.Tests;

public sealed class SpiralSearchTests
{
    // 40 nodes on a line, 10 ms apart; each knows its two neighbours and the nodes 8 away (its long links).
    private static NetworkCoordinate At(int i) => new([i * 10.0, 0], 0, 0.1);

    private static List<PeerCoordinate<int>> Known(int i) =>
        new[] { i - 1, i + 1, i - 8, i + 8 }.Where(p => p is >= 0 and < 40).Select(p => new PeerCoordinate<int>(p, At(p))).ToList();

    [Fact]
    public async Task The_search_walks_to_the_target_and_returns_exactly_its_k_nearest()
    {
        var asked = new List<int>();
        var result = await new SpiralSearch<int>().FindAsync(new(0, At(0)), At(33), 3, (node, _) =>
        {
            asked.Add(node);
            return Task.FromResult<IReadOnlyList<PeerCoordinate<int>>>(Known(node));
        });

        Assert.Equal([33, 32, 34], result.Nearest.Select(p => p.Peer).Take(1).Concat(result.Nearest.Skip(1).Select(p => p.Peer).Order()));
        Assert.Equal(asked.Count, result.Messages);
        Assert.True(result.Messages < 15, $"{result.Messages} messages for 40 nodes");
    }

    [Fact]
    public async Task The_filter_keeps_results_to_allowed_peers_while_others_still_relay()
    {
        var result = await new SpiralSearch<int>().FindAsync(new(0, At(0)), At(20), 2,
            (node, _) => Task.FromResult<IReadOnlyList<PeerCoordinate<int>>>(Known(node)), peer => peer % 2 == 1);

        Assert.Equal([19, 21], result.Nearest.Select(p => p.Peer).Order());
    }

    [Fact]
    public async Task Nodes_learn_from_the_views_that_pass_through_them_and_later_searches_get_shorter()
    {
        var sets = Enumerable.Range(0, 40).Select(i =>
        {
            var set = new NeighbourSet<int>(i, closeSize: 4, randomSize: 4);
            foreach (var p in Known(i))
                set.Offer(p.Peer, Math.Abs(p.Peer - i) * 10.0);
            return set;
        }).ToArray();
        Task<IReadOnlyList<PeerCoordinate<int>>> Answer(int node, IReadOnlyList<PeerCoordinate<int>> view)
        {
            foreach (var peer in view)
                sets[node].Offer(peer.Peer, At(node).EstimateRttMs(peer.Coordinate));
            return Task.FromResult<IReadOnlyList<PeerCoordinate<int>>>(sets[node].All.Select(p => new PeerCoordinate<int>(p, At(p))).ToList());
        }
        var search = new SpiralSearch<int>();

        var first = await search.FindAsync(new(0, At(0)), At(30), 4, Answer);
        var again = await search.FindAsync(new(0, At(0)), At(30), 4, Answer);

        Assert.Equal(first.Nearest.Select(p => p.Peer).Order(), again.Nearest.Select(p => p.Peer).Order());
        Assert.True(again.Messages <= first.Messages, $"{first.Messages} then {again.Messages}");
        Assert.Contains(30, sets[29].Close.Select(c => c.Peer));
    }
}
