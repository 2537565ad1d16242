using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Events;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Security;
using Discovery.Testing.Cluster;
using Orleans.Streams;
using Xunit;

namespace Discovery.Grains.Tests.Security;

/// <summary>Streams leak nothing either: a VE's progress is its tenant's, the infrastructure's events are administrators'.</summary>
[Collection(SecureClusterCollection.Name)]
public sealed class StreamAccessTests(SecureClusterFixture fixture)
{
    private Task<StreamSubscriptionHandle<T>> SubscribeAsync<T>(string? credential, string @namespace, string key) =>
        SecureClusterFixture.CallAsAsync(credential, () => fixture.Client.GetStreamProvider(DiscoveryStreams.Provider)
            .GetStream<T>(StreamId.Create(@namespace, key)).SubscribeAsync((_, _) => Task.CompletedTask));

    [Fact]
    public async Task Only_its_tenant_may_watch_a_ves_progress_and_only_administrators_the_infrastructures_events()
    {
        var (owner, ownerKey) = await fixture.NewTenantAsync("watched");
        var (_, otherKey) = await fixture.NewTenantAsync("watcher");
        var ve = $"{owner}/shop";

        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => SubscribeAsync<VeProgress>(otherKey, VeStreams.Namespace, ve));
        Assert.Contains("belongs to another tenant", refused.Reason);
        var mine = await SubscribeAsync<VeProgress>(ownerKey, VeStreams.Namespace, ve);
        await SecureClusterFixture.CallAsAsync(ownerKey, () => mine.UnsubscribeAsync());

        await Assert.ThrowsAsync<ForbiddenException>(() => SubscribeAsync<DiscoveryEvent>(ownerKey, DiscoveryStreams.Namespace, "lyon"));
        var events = await SubscribeAsync<DiscoveryEvent>(SecureClusterFixture.AdminKey, DiscoveryStreams.Namespace, "lyon");
        await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => events.UnsubscribeAsync());
    }

    [Fact]
    public async Task A_facade_attached_with_a_tenants_credential_watches_its_ve_and_is_refused_the_infrastructures_events()
    {
        var (tenant, key) = await fixture.NewTenantAsync("attached");
        var sdk = Client.DiscoveryClient.Attach(fixture.Client, credential: key);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // Subscribing happens on the first MoveNextAsync: refused there for the events, accepted for its own VE.
        await using var events = sdk.Events.WatchAsync(["lyon"], cancellationToken: stop.Token).GetAsyncEnumerator();
        await Assert.ThrowsAsync<ForbiddenException>(async () => await events.MoveNextAsync());
        var node = $"lyon/watch-{tenant}";
        await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => fixture.Client.GetGrain<Abstractions.Nodes.INodeGrain>(node).RegisterAsync(new(4, 4096)));
        await sdk.VirtualEnvironments.CreateAsync($"{tenant}/shop", new VeSpec([new VmTemplate("web", 1, 512)], [new Abstractions.Environments.Constraints.Fence([], [node])]));
        await sdk.VirtualEnvironments.DeployAsync($"{tenant}/shop", Locality.NearNode(node));
        await using var progress = sdk.VirtualEnvironments.WatchAsync($"{tenant}/shop", stop.Token).GetAsyncEnumerator();
        var next = progress.MoveNextAsync().AsTask();
        // The subscription is made in the background: operate the VE until a report reaches it.
        while (!next.IsCompleted && !stop.IsCancellationRequested)
        {
            await sdk.VirtualEnvironments.SuspendAsync($"{tenant}/shop");
            await sdk.VirtualEnvironments.ResumeAsync($"{tenant}/shop");
        }

        Assert.True(await next);
        Assert.Equal($"{tenant}/shop", progress.Current.Ve);
    }

    [Fact]
    public async Task Only_administrators_may_watch_image_transfers()
    {
        var (_, key) = await fixture.NewTenantAsync("imager");

        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => SubscribeAsync<ImageProgress>(key, ImageProgress.Namespace, "debian-12"));

        Assert.Contains("image transfers is for administrators", refused.Reason);
        var admin = await SubscribeAsync<ImageProgress>(SecureClusterFixture.AdminKey, ImageProgress.Namespace, "debian-12");
        await SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, () => admin.UnsubscribeAsync());
    }
}
