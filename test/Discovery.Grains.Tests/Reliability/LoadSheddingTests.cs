using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;
using Discovery.Grains.Reliability;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Discovery.Testing.Grains;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Discovery.Grains.Tests.Reliability;

/// <summary>The three-site cluster, with grains that accept only a few waiting calls each.</summary>
public sealed class SheddingClusterFixture : SiteClusterFixture
{
    public const int Limit = 4;

    protected override void ConfigureSilo(string site, ISiloBuilder silo) =>
        silo.Services.Configure<OverloadOptions>(o => o.MaxQueuedCallsPerGrain = Limit);
}

public sealed class LoadSheddingTests(SheddingClusterFixture fixture) : IClassFixture<SheddingClusterFixture>
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Calls_beyond_a_grains_queue_limit_are_refused_at_once_and_the_rest_complete()
    {
        var grain = fixture.Client.GetGrain<IHoldGrain>(_test);
        // Active first: calls that wait for an activation are not queued on it yet, and may run in any order.
        await grain.HoldAsync(TimeSpan.Zero);
        var holding = grain.HoldAsync(TimeSpan.FromSeconds(3));
        var burst = Enumerable.Range(0, 30).Select(_ => Outcome(grain.HoldAsync(TimeSpan.Zero))).ToList();

        // The refused calls answer while the grain is still held: they did not wait for it.
        await Eventually.HoldsAsync(() => burst.Any(call => call.IsCompleted && call.Result is LimitExceededException), "a refused call");
        Assert.False(holding.IsCompleted, "a refusal should arrive before the grain is free again");
        await holding;
        var outcomes = await Task.WhenAll(burst);
        Assert.All(outcomes, e => Assert.True(e is null or LimitExceededException, $"unexpected {e}"));
        Assert.InRange(outcomes.Count(e => e is null), 1, 30 - 1);
    }

    [Fact]
    public async Task The_sdk_says_busy_retry_for_shed_calls_and_the_rest_complete()
    {
        var node = $"lyon/shed-{_test}";
        await fixture.Client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(8, 16384));
        var vm = $"t-{_test}/web/vm";
        await fixture.Client.GetGrain<IVmGrain>(vm).DefineAsync(new VmSpec(1, 512), node);
        var sdk = DiscoveryClient.Attach(fixture.Client);

        // Hundreds of the same change at once on one VM: more than its queue holds — unless the grain happens to keep
        // up with the client (each change takes microseconds in memory), so a few bursts are allowed to find out.
        var burst = new List<Exception?>();
        for (var round = 0; round < 5 && !burst.OfType<ClusterBusyException>().Any(); round++)
            burst.AddRange(await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => Outcome(sdk.VirtualEnvironments.SetCpuDemandAsync($"t-{_test}/web", "vm", 1)))));

        var busy = burst.OfType<ClusterBusyException>().ToList();
        Assert.NotEmpty(busy);
        Assert.All(burst, e => Assert.True(e is null or ClusterBusyException, $"unexpected {e}"));
        Assert.StartsWith("busy: ", busy[0].Message);
        Assert.Contains("retry in a moment", busy[0].Message);
        var info = await fixture.Client.GetGrain<IVmGrain>(vm).GetInfoAsync();
        Assert.Equal((VmState.Defined, node), (info.State, info.Node));
    }

    private static async Task<Exception?> Outcome(Task call)
    {
        try
        {
            await call;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
