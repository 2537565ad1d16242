using Discovery.Network.Coordinates;
using Discovery.Network.Latency;

namespace Discovery.Network.Tests;

public sealed class VivaldiTests
{
    // 30 points in a 100 ms × 100 ms plane: an exactly Euclidean network.
    private static RttMatrix Plane(int seed, double accessMs = 0)
    {
        var random = new Random(seed);
        var points = Enumerable.Range(0, 30).Select(_ => (X: random.NextDouble() * 100, Y: random.NextDouble() * 100)).ToArray();
        return RttMatrix.From(points.Length, (i, j) =>
            Math.Sqrt(Math.Pow(points[i].X - points[j].X, 2) + Math.Pow(points[i].Y - points[j].Y, 2)) + 2 * accessMs);
    }

    [Fact]
    public void Coordinates_converge_on_an_exact_euclidean_network()
    {
        var simulation = new VivaldiSimulation(Plane(1), new VivaldiOptions { Dimensions = 2 }, seed: 1);

        simulation.Run(2000);

        var accuracy = simulation.Accuracy();
        Assert.True(accuracy.MedianRelativeError < 0.03, $"median relative error {accuracy.MedianRelativeError}");
    }

    [Fact]
    public void Height_absorbs_an_access_link_delay_shared_by_every_path()
    {
        var simulation = new VivaldiSimulation(Plane(2, accessMs: 20), new VivaldiOptions { Dimensions = 2 }, seed: 2);

        simulation.Run(2000);

        var heights = Enumerable.Range(0, 30).Select(i => simulation.CoordinateOf(i).Height).Order().ToList();
        Assert.InRange(heights[15], 10, 30);
        Assert.True(simulation.Accuracy().MedianRelativeError < 0.05, $"{simulation.Accuracy()}");
    }

    [Fact]
    public void The_latency_filter_ignores_a_single_spike()
    {
        var filter = new LatencyFilter(3);

        Assert.Equal(10, filter.Add(10));
        Assert.Equal(10.5, filter.Add(11));
        Assert.Equal(11, filter.Add(500));
        Assert.Equal(12, filter.Add(12)); // 11, 500, 12: the spike never is the median
    }

    [Fact]
    public void A_spike_moves_a_coordinate_far_less_than_without_the_filter()
    {
        var peer = new NetworkCoordinate([10, 0], 0.01, 0.2);
        NetworkCoordinate After(int filterSize)
        {
            // Relative weighting off: it damps a long spike too, and this test is about the filter alone.
            var node = new VivaldiNode<string>(new VivaldiOptions { Dimensions = 2, LatencyFilterSize = filterSize, RelativeWeight = 0 }, new Random(3));
            for (var i = 0; i < 20; i++)
                node.Observe("peer", peer, 10);
            var before = node.Coordinate;
            node.Observe("peer", peer, 1000);
            return node.Coordinate with { Error = before.Error };
        }

        var filtered = After(3).EstimateRttMs(peer);
        var unfiltered = After(1).EstimateRttMs(peer);

        Assert.InRange(filtered, 8, 14);
        Assert.True(unfiltered > 50, $"without the filter the spike pulls the estimate to {unfiltered}");
    }

    [Fact]
    public void Missing_and_asymmetric_measurements_are_read_as_the_file_format_says()
    {
        var matrix = RttMatrix.Parse(["0 0.010 0", "0.020 0 0.005", "0 0 0"], RttUnit.Seconds);

        Assert.Equal(15, matrix.RttMs(0, 1)!.Value, 6);   // both directions: their mean
        Assert.Equal(5, matrix.RttMs(2, 1)!.Value, 6);    // one direction: that one
        Assert.Null(matrix.RttMs(0, 2));                  // neither: not measured
        Assert.Equal(2, matrix.MeasuredPairs().Count());
        Assert.Contains("row 2", Assert.Throws<InvalidDataException>(() => RttMatrix.Parse(["0 1", "1"], RttUnit.Milliseconds)).Message);
        Assert.Contains("'x'", Assert.Throws<InvalidDataException>(() => RttMatrix.Parse(["0 x", "1 0"], RttUnit.Milliseconds)).Message);
    }

    [Fact]
    public void Unmeasurable_peers_are_dropped_and_the_rest_still_converge()
    {
        var plane = Plane(4);
        var holes = RttMatrix.From(30, (i, j) => (i + j) % 7 == 0 ? 0 : plane.RttMs(i, j)!.Value);
        var simulation = new VivaldiSimulation(holes, new VivaldiOptions { Dimensions = 2 }, seed: 4);

        simulation.Run(2000);

        Assert.True(simulation.Accuracy().MedianRelativeError < 0.05, $"{simulation.Accuracy()}");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.0)]
    public void Relative_weighting_lets_a_short_path_pull_harder_than_a_long_one(double relativeWeight)
    {
        // A node that has measured paths of 10 and 100 ms (typical: ~32 ms) then sees each predicted 20 % too long.
        double Move(double rtt)
        {
            var node = new VivaldiNode<string>(new VivaldiOptions { Dimensions = 2, RelativeWeight = relativeWeight, AdjustmentWindow = 0 }, new Random(5));
            node.Restore(new NetworkCoordinate([0, 0], 0.01, 0.5));
            node.Observe("short", new NetworkCoordinate([1000, 0], 0.01, 0.5), 10);
            node.Observe("long", new NetworkCoordinate([1000, 0], 0.01, 0.5), 100);
            var before = node.Coordinate;
            var peer = new NetworkCoordinate([before.Vector[0] + 1.2 * rtt, before.Vector[1]], 0.01, 0.5);
            node.Observe("probe", peer, rtt);
            return Math.Abs(node.Coordinate.Vector[0] - before.Vector[0]) / rtt;
        }

        var shortMove = Move(10);
        var longMove = Move(100);

        if (relativeWeight > 0)
            Assert.True(shortMove > 2 * longMove, $"relative move: short path {shortMove}, long path {longMove}");
        else
            Assert.Equal(longMove, shortMove, 3);
    }

    [Fact]
    public void Relative_weighting_still_converges_on_an_exact_euclidean_network()
    {
        var simulation = new VivaldiSimulation(Plane(6, accessMs: 5), new VivaldiOptions { Dimensions = 2, RelativeWeight = 1 }, seed: 6);

        simulation.Run(2000);

        Assert.True(simulation.Accuracy().MedianRelativeError < 0.05, $"{simulation.Accuracy()}");
    }

    [Fact]
    public void Bad_samples_and_options_are_refused_by_name()
    {
        var node = new VivaldiNode<int>(new VivaldiOptions(), new Random(1));

        Assert.Throws<ArgumentOutOfRangeException>(() => node.Observe(1, NetworkCoordinate.Origin(new VivaldiOptions()), -1));
        Assert.Contains("dimensions", Assert.Throws<ArgumentException>(() => node.Observe(1, NetworkCoordinate.Origin(new VivaldiOptions { Dimensions = 3 }), 5)).Message);
        Assert.Contains("Dimensions", Assert.Throws<ArgumentException>(() => new VivaldiNode<int>(new VivaldiOptions { Dimensions = 0 }, new Random(1))).Message);
        Assert.Contains("RelativeWeight", new VivaldiOptions { RelativeWeight = -1 }.Validate());
    }
}
