using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;
using Discovery.Grains.Reliability;
using Discovery.Grains.Storage;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Discovery.Testing.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Xunit;

namespace Discovery.Grains.Tests.Reliability;

/// <summary>
/// The three-site cluster, with grains that accept only a few waiting calls each, and a grain store that takes a few
/// milliseconds per write as a database does: the in-memory store answers at once, so a grain whose calls only write
/// its record never lets a queue build up, and no burst would ever be shed.
/// </summary>
public sealed class SheddingClusterFixture : SiteClusterFixture
{
    public const int Limit = 4;

    protected override void ConfigureSilo(string site, ISiloBuilder silo)
    {
        silo.Services.Configure<OverloadOptions>(o => o.MaxQueuedCallsPerGrain = Limit);
        silo.Services.AddGrainStorage(StorageNames.State, (sp, name) => new DatabaseLatency(new ProcessWideGrainStorage(name,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId, sp.GetRequiredService<Orleans.Serialization.Serializer>())));
    }

    private sealed class DatabaseLatency(IGrainStorage inner) : IGrainStorage
    {
        private static readonly TimeSpan Write = TimeSpan.FromMilliseconds(5);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await Task.Delay(Write);
            await inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
    }
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
        var holding = grain.HoldAsync(TimeSpan.FromSeconds(5));
        // Held before the burst is sent (CI: a burst that overtook the hold ran through an idle grain).
        await Eventually.HoldsAsync(grain.IsHoldingAsync, "the grain to be held");
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

        // Hundreds of the same change at once on one VM, each a record write: more than its queue holds.
        var burst = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => Outcome(sdk.VirtualEnvironments.SetCpuDemandAsync($"t-{_test}/web", "vm", 1))));

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
