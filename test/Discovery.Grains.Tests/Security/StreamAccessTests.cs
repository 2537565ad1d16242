using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Events;
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
}
