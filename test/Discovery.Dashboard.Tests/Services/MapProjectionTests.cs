using Discovery.Dashboard.Services;
using Xunit;

namespace Discovery.Dashboard.Tests.Services;

public sealed class MapProjectionTests
{
    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2));

    [Fact]
    public void Points_that_lie_on_a_plane_in_eight_dimensions_keep_their_distances_on_the_map()
    {
        // A 3-4-5 triangle and a far point, drawn in a plane tilted through 8 dimensions.
        var u = new[] { 1, 1, 0, 0, 1, 0, 1, 0 }.Select(x => x / 2.0).ToArray();
        var v = new[] { 0, 0, 1, 1, 0, 1, 0, -1 }.Select(x => x / 2.0).ToArray();
        var plane = new (double A, double B)[] { (0, 0), (3, 0), (0, 4), (30, 20) };
        var vectors = plane.Select(p => (IReadOnlyList<double>)u.Zip(v, (a, b) => p.A * a + p.B * b + 7).ToList()).ToList();

        var map = MapProjection.Project(vectors);

        Assert.Equal(4, map.Count);
        Assert.Equal(3, Distance(map[0], map[1]), 6);
        Assert.Equal(4, Distance(map[0], map[2]), 6);
        Assert.Equal(5, Distance(map[1], map[2]), 6);
        Assert.Equal(Math.Sqrt(30 * 30 + 20 * 20), Distance(map[0], map[3]), 6);
    }

    [Fact]
    public void The_map_shows_the_directions_of_largest_spread_and_is_the_same_every_time()
    {
        // Wide along dimension 2, narrower along 0, hardly at all along 1: the map must show dimensions 2 and 0.
        var vectors = Enumerable.Range(0, 50).Select(i => (IReadOnlyList<double>)[Math.Sin(i) * 10, Math.Cos(i) * 0.01, i * 5.0]).ToList();

        var map = MapProjection.Project(vectors);
        var again = MapProjection.Project(vectors);

        Assert.Equal(map, again);
        var spreadX = map.Max(p => p.X) - map.Min(p => p.X);
        var spreadY = map.Max(p => p.Y) - map.Min(p => p.Y);
        Assert.InRange(spreadX, 245, 251);
        Assert.InRange(spreadY, 15, 25);
    }

    [Fact]
    public void No_point_one_point_and_identical_points_give_a_picture_without_nan()
    {
        Assert.Empty(MapProjection.Project([]));
        Assert.Equal([(0.0, 0.0)], MapProjection.Project([[1.0, 2.0]]));
        Assert.All(MapProjection.Project([[1.0, 2.0], [1.0, 2.0], [1.0]]), p => Assert.False(double.IsNaN(p.X) || double.IsNaN(p.Y)));
    }
}
