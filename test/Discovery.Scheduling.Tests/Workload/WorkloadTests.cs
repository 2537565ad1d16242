namespace Discovery.Scheduling.Tests.Workload;

public sealed class WorkloadTests
{
    private static readonly Dictionary<string, VmSize> Sizes = new() { ["web"] = new(4, 2048), ["db"] = new(2, 4096) };

    private static List<double> Walk(RandomWalkDemand demand, string vm) => Enumerable.Range(0, 200).Select(i => demand.DemandAt(vm, i * 30.0).Cpu).ToList();

    [Fact]
    public void The_random_walk_is_the_same_for_the_same_seed_whatever_order_vms_are_asked_in()
    {
        var first = new RandomWalkDemand(new RandomWalkOptions(Seed: 7), Sizes);
        var second = new RandomWalkDemand(new RandomWalkOptions(Seed: 7), Sizes);
        var db = Walk(second, "db");

        Assert.Equal(Walk(first, "web"), Walk(second, "web"));
        Assert.Equal(Walk(first, "db"), db);
        Assert.NotEqual(Walk(new RandomWalkDemand(new RandomWalkOptions(Seed: 8), Sizes), "web"), Walk(first, "web"));
    }

    [Fact]
    public void The_random_walk_moves_and_stays_between_zero_and_the_vm_vcpus()
    {
        var walk = Walk(new RandomWalkDemand(new RandomWalkOptions(Seed: 3, Volatility: 1, MaxStepFraction: 0.5), Sizes), "web");

        Assert.All(walk, cpu => Assert.InRange(cpu, 0, 4));
        Assert.True(walk.Distinct().Count() > 50);
        Assert.Equal(2048, new RandomWalkDemand(new RandomWalkOptions(), Sizes).DemandAt("web", 100).MemoryMiB);
    }

    [Fact]
    public void A_bad_option_is_refused_naming_it()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomWalkOptions(Volatility: 1.5).Validate());

        Assert.Equal("Volatility", error.ParamName);
    }

    [Fact]
    public void A_trace_gives_each_vm_its_latest_sample()
    {
        var trace = TraceDemand.Parse(new StringReader("# time vm cpu mem\n0 web 1.5 1024\n60 web 3 2048\n\n30 db 0.5 512 # late start\n"));

        Assert.Equal(new VmLoad(1.5, 1024), trace.DemandAt("web", 59.9));
        Assert.Equal(new VmLoad(3, 2048), trace.DemandAt("web", 60));
        Assert.Equal(VmLoad.None, trace.DemandAt("db", 10));
        Assert.Equal(new VmLoad(0.5, 512), trace.DemandAt("db", 31));
    }

    [Fact]
    public void A_malformed_trace_line_is_named_with_its_number_and_value()
    {
        var error = Assert.Throws<FormatException>(() => TraceDemand.Parse(new StringReader("0 web 1 1024\n5 web lots 1024\n"), "loads.txt"));

        Assert.Contains("loads.txt:2", error.Message);
        Assert.Contains("'lots'", error.Message);
    }
}
