using Discovery.Abstractions.Images;
using Discovery.Abstractions.Security;
using Discovery.Client;
using Discovery.Grains.Images;
using Discovery.Grains.Tests.Security;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Grains.Tests.Images;

/// <summary>
/// Image dedup between tenants on the secure three-site cluster (<c>CrossTenantDedup</c> at its default, Auto): shared
/// unless a tenant's policy says <c>isolated-images: true</c>, in which case that tenant's imports neither find nor
/// reveal what other tenants hold.
/// </summary>
[Collection(SecureClusterCollection.Name)]
public sealed class CrossTenantDedupTests(SecureClusterFixture fixture)
{
    private const string IsolatedPolicy = "name: private-images\nisolated-images: true\n";
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    // Content no other test (or run) imports: random bytes from a fresh seed.
    private static byte[] Content(int bytes = 1 << 20)
    {
        var data = new byte[bytes];
        Random.Shared.NextBytes(data);
        return data;
    }

    private async Task<(ImageDetails Details, ImageImportProgress Counters)> ImportAsync(string key, string tenant, string name, byte[] content)
    {
        ImageImportProgress? last = null;
        var details = await fixture.As(key).Images.ImportAsync(name, new MemoryStream(content), "disk.img", tenant, new SynchronousProgress(p => last = p));
        return (details, last!);
    }

    // A raw grain call as the administrator.
    private static Task<T> AsAdmin<T>(Func<Task<T>> call) => SecureClusterFixture.CallAsAsync(SecureClusterFixture.AdminKey, call);

    private IGrainFactory Grains => fixture.Client;

    private async Task<IReadOnlyList<string>> ChunkKeysAsync(string image) =>
        (await AsAdmin(() => Grains.GetGrain<IImageGrain>(image).GetManifestAsync()))!.Chunks.Select(c => c.Id).Distinct().ToList();

    // Every chunk of the image can be read, verified, from each site that is said to hold it.
    private async Task AssertWholeAsync(string image)
    {
        foreach (var key in await ChunkKeysAsync(image))
        {
            var info = await AsAdmin(() => Grains.GetGrain<IImageChunkGrain>(key).GetInfoAsync());
            Assert.Contains(image, info.Images);
            Assert.NotEmpty(info.Sites);
            foreach (var site in info.Sites)
                Assert.NotEmpty(await AsAdmin(() => Grains.GetGrain<ISiteChunkStoreGrain>(site).GetAsync(key)));
        }
    }

    [Fact]
    public async Task An_isolated_tenant_importing_content_another_tenant_holds_sends_every_chunk_and_keeps_its_own_copy()
    {
        var (shared, sharedKey) = await fixture.NewTenantAsync("shared");
        var (isolated, isolatedKey) = await fixture.NewTenantAsync("isolated");
        await fixture.As(isolatedKey).Policies.SetAsync(isolated, IsolatedPolicy);
        var content = Content();

        var first = await ImportAsync(sharedKey, shared, $"a-{_test}", content);
        var second = await ImportAsync(isolatedKey, isolated, $"b-{_test}", content);

        // The second import saw exactly what the first saw in a cluster that did not hold the content.
        Assert.Equal(0, first.Counters.ChunksReused);
        Assert.Equal(first.Counters, second.Counters);
        Assert.Equal((0L, content.LongLength), (second.Details.SharedBytes, second.Details.UniqueBytes));
        // Its chunks are its own: other keys, referenced by its image alone.
        var keys = await ChunkKeysAsync($"b-{_test}");
        Assert.All(keys, k => Assert.StartsWith($"{isolated}/", k));
        Assert.Equal((await ChunkKeysAsync($"a-{_test}")).Select(k => $"{isolated}/{k}").Order(), keys.Order());
        foreach (var key in keys)
            Assert.Equal([$"b-{_test}"], (await AsAdmin(() => Grains.GetGrain<IImageChunkGrain>(key).GetInfoAsync())).Images);

        // Deleting the other tenant's image leaves the isolated tenant's whole.
        await fixture.As(sharedKey).Images.DeleteAsync($"a-{_test}");
        await AssertWholeAsync($"b-{_test}");
        await fixture.As(isolatedKey).Images.DeleteAsync($"b-{_test}");
    }

    [Fact]
    public async Task Content_an_isolated_tenant_holds_stays_unknown_to_other_tenants_while_it_still_dedups_its_own_images()
    {
        var (isolated, isolatedKey) = await fixture.NewTenantAsync("isolated");
        var (other, otherKey) = await fixture.NewTenantAsync("other");
        await fixture.As(isolatedKey).Policies.SetAsync(isolated, IsolatedPolicy);
        var content = Content();

        var original = await ImportAsync(isolatedKey, isolated, $"own-{_test}", content);
        var copy = await ImportAsync(isolatedKey, isolated, $"own-copy-{_test}", content);
        var outsider = await ImportAsync(otherKey, other, $"outsider-{_test}", content);

        Assert.Equal(original.Counters.ChunksSent, copy.Counters.ChunksReused);
        Assert.Equal(0, copy.Counters.ChunksSent);
        Assert.Equal(original.Counters, outsider.Counters);
        Assert.Equal(0, outsider.Details.SharedBytes);

        // Asking the store about another tenant's scope is refused, and a key smuggled in as a hash is not a hash.
        var hashes = (await ChunkKeysAsync($"outsider-{_test}")).ToList();
        var store = Grains.GetGrain<ISiteChunkStoreGrain>(original.Details.ReplicasBySite.Keys.First());
        await Assert.ThrowsAsync<ForbiddenException>(() => SecureClusterFixture.CallAsAsync(otherKey, () => store.MissingForAsync(isolated, hashes)));
        await Assert.ThrowsAnyAsync<FormatException>(() => SecureClusterFixture.CallAsAsync(otherKey, () => store.MissingForAsync(other, [$"{isolated}/{hashes[0]}"])));

        foreach (var image in new[] { $"own-{_test}", $"own-copy-{_test}" })
            await fixture.As(isolatedKey).Images.DeleteAsync(image);
        await AssertWholeAsync($"outsider-{_test}");
        await fixture.As(otherKey).Images.DeleteAsync($"outsider-{_test}");
    }

    [Fact]
    public async Task Tenants_without_isolation_share_chunks_and_deleting_one_image_leaves_the_other_whole()
    {
        var (first, firstKey) = await fixture.NewTenantAsync("first");
        var (second, secondKey) = await fixture.NewTenantAsync("second");
        var content = Content();

        var original = await ImportAsync(firstKey, first, $"orig-{_test}", content);
        var deduplicated = await ImportAsync(secondKey, second, $"dedup-{_test}", content);

        Assert.Equal((0, original.Counters.ChunksSent), (deduplicated.Counters.ChunksSent, deduplicated.Counters.ChunksReused));
        Assert.Equal(content.LongLength, deduplicated.Details.SharedBytes);
        Assert.Equal(await ChunkKeysAsync($"orig-{_test}"), await ChunkKeysAsync($"dedup-{_test}"));

        await fixture.As(firstKey).Images.DeleteAsync($"orig-{_test}");
        await AssertWholeAsync($"dedup-{_test}");
        await fixture.As(secondKey).Images.DeleteAsync($"dedup-{_test}");
    }

    [Theory]
    [InlineData(CrossTenantDedup.Shared, false, null)]
    [InlineData(CrossTenantDedup.Shared, true, null)]
    [InlineData(CrossTenantDedup.Isolated, false, "acme")]
    [InlineData(CrossTenantDedup.Isolated, true, "acme")]
    [InlineData(CrossTenantDedup.Auto, false, null)]
    [InlineData(CrossTenantDedup.Auto, true, "acme")]
    public void The_operator_option_decides_the_scope_and_auto_follows_the_tenants_policy(CrossTenantDedup mode, bool asks, string? scope) =>
        Assert.Equal(scope, ChunkScoping.Scope(mode, "acme", asks));

    [Fact]
    public void A_chunk_key_is_a_hash_or_a_tenant_and_a_hash()
    {
        var hash = new string('a', 64);

        Assert.Equal(new ChunkKey(null, Discovery.Images.ChunkId.Parse(hash)), ChunkKey.Parse(hash));
        Assert.Equal($"acme/{hash}", ChunkKey.Parse($"acme/{hash}").ToString());
        Assert.Throws<FormatException>(() => ChunkKey.Parse($"../{hash}"));
        Assert.Throws<FormatException>(() => ChunkKey.Parse("acme/not-a-hash"));
    }

    private sealed class SynchronousProgress(Action<ImageImportProgress> report) : IProgress<ImageImportProgress>
    {
        public void Report(ImageImportProgress value) => report(value);
    }
}
