using static Discovery.Scheduling.Tests.Infra;

namespace Discovery.Scheduling.Tests.Nodes;

public sealed class OverloadDetectorTests
{
    [Fact]
    public void An_overload_is_raised_once_it_has_lasted_the_sustain_period_and_only_once()
    {
        var detector = new OverloadDetector(new OverloadOptions(SustainSeconds: 30));
        var hot = Node("n1", 4, ("a", 5));

        Assert.Null(detector.Observe(hot, 0));
        Assert.Null(detector.Observe(hot, 20));
        Assert.Equal(Overload("n1"), detector.Observe(hot, 30));
        Assert.Null(detector.Observe(hot, 60));
    }

    [Fact]
    public void A_spike_shorter_than_the_sustain_period_raises_nothing()
    {
        var detector = new OverloadDetector(new OverloadOptions(SustainSeconds: 30));

        Assert.Null(detector.Observe(Node("n1", 4, ("a", 5)), 0));
        Assert.Null(detector.Observe(Node("n1", 4, ("a", 2)), 20));
        Assert.Null(detector.Observe(Node("n1", 4, ("a", 5)), 40));
    }

    [Fact]
    public void A_lightly_loaded_node_raises_underload_but_an_empty_one_does_not()
    {
        var detector = new OverloadDetector(new OverloadOptions(UnderloadThreshold: 0.2));

        Assert.Equal(Underload("n1"), detector.Observe(Node("n1", 10, ("a", 1)), 0));
        Assert.Null(detector.Observe(Node("n2", 10), 0));
        Assert.Null(detector.Observe(Node("n3", 10, ("a", 5)), 0));
    }
}
