using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Grains.Images;
using Discovery.Images;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Xunit;

namespace Discovery.Client.Tests.Sdk;

/// <summary>Images through the SDK on the three-site test cluster: import, dedup, replication, delivery, healing.</summary>
[Collection(SdkCollection.Name)]
public sealed class ImageTests(SdkClusterFixture fixture)
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];
    private DiscoveryClient Sdk => fixture.Sdk;

    private static byte[] Content(int seed, int bytes)
    {
        var data = new byte[bytes];
        new Random(seed).NextBytes(data);
        return data;
    }

    private Task<ImageDetails> ImportAsync(string name, byte[] content, string fileName = "disk.img", IProgress<ImageImportProgress>? progress = null, long? bootBytes = null) =>
        Sdk.Images.ImportAsync(name, new MemoryStream(content), fileName, "tenant-" + _test, progress, bootBytes);

    private ISiteChunkStoreGrain Store(string site) => fixture.Client.GetGrain<ISiteChunkStoreGrain>(site);

    [Fact]
    public async Task An_import_is_chunked_replicated_on_two_sites_and_a_similar_image_reuses_its_chunks()
    {
        var first = Content(1, 3 << 20);
        var imported = await ImportAsync($"base-{_test}", first);
        Assert.Equal((ImageState.Ready, "raw", (long)first.Length), (imported.State, imported.Format, imported.Size));
        Assert.True(imported.Chunks >= 3 << 20 >> 18, $"{imported.Chunks} chunks for 3 MiB");
        // Every chunk on two sites: the upload site and one more.
        var distinct = (await fixture.Client.GetGrain<IImageGrain>($"base-{_test}").GetManifestAsync())!.Chunks.Select(c => c.Id).Distinct().Count();
        Assert.Equal(2 * distinct, imported.ReplicasBySite.Values.Sum());
        Assert.Equal(2, imported.ReplicasBySite.Count);

        // The same content with 100 bytes inserted near the middle: only the chunks around the edit are new.
        var second = first[..(first.Length / 2)].Concat(Content(2, 100)).Concat(first[(first.Length / 2)..]).ToArray();
        ImageImportProgress? last = null;
        var derived = await ImportAsync($"derived-{_test}", second, progress: new SynchronousProgress(p => last = p));
        Assert.NotNull(last);
        Assert.True(last.ChunksReused >= derived.Chunks - 3, $"{last.ChunksReused} of {derived.Chunks} chunks reused");
        Assert.True(derived.SharedBytes > first.Length * 0.8, $"{derived.SharedBytes} shared bytes");

        // Deleting the first keeps what the second uses; deleting the second collects everything from every store.
        await Sdk.Images.DeleteAsync($"base-{_test}");
        var manifest = (await fixture.Client.GetGrain<IImageGrain>($"derived-{_test}").GetManifestAsync())!;
        var ids = manifest.Chunks.Select(c => c.Id).Distinct().ToList();
        var held = await HeldAsync(ids);
        Assert.All(ids, id => Assert.Equal(2, held.Count(h => h.Id == id)));
        await Sdk.Images.DeleteAsync($"derived-{_test}");
        Assert.Empty(await HeldAsync(ids));
        await Assert.ThrowsAsync<NotFoundException>(() => Sdk.Images.ShowAsync($"derived-{_test}"));
    }

    [Fact]
    public async Task A_vm_on_a_site_with_no_copy_pulls_its_image_boot_chunks_first_and_boots_from_the_assembled_file()
    {
        var content = Content(3, 2 << 20);
        var name = $"boot-{_test}";
        var imported = await ImportAsync(name, content, bootBytes: 256 << 10);
        var target = SiteClusterFixture.Sites.Single(s => !imported.ReplicasBySite.ContainsKey(s));
        var node = $"{target}/n-{_test}";
        await fixture.Client.GetGrain<INodeGrain>(node).RegisterAsync(new NodeSpec(4, 8192));
        var manifest = (await fixture.Client.GetGrain<IImageGrain>(name).GetManifestAsync())!;
        var boot = manifest.BootChunks.Select(i => manifest.Chunks[i].Id).Distinct().Count();
        var rest = manifest.Chunks.Select(c => c.Id).Distinct().Count() - boot;
        Assert.True(boot > 0 && rest > 0, $"{boot} boot chunks and {rest} others");

        var steps = new List<ImageProgress>();
        var stream = fixture.Client.GetStreamProvider(Abstractions.Events.DiscoveryStreams.Provider).GetStream<ImageProgress>(StreamId.Create(ImageProgress.Namespace, name));
        var handle = await stream.SubscribeAsync((p, _) => { lock (steps) steps.Add(p); return Task.CompletedTask; });
        var ve = $"tenant-{_test}/booted";
        await Sdk.VirtualEnvironments.CreateAsync(ve, new VeSpec([new VmTemplate("web", 1, 512, Image: name)], [new Fence([], [node])]));
        var deployed = await Sdk.VirtualEnvironments.DeployAsync(ve, Locality.NearSite(target));

        Assert.Equal((node, VmState.Running), (deployed.Vm("web").Node, deployed.Vm("web").State));
        Assert.Empty(await Store(target).MissingAsync(manifest.Chunks.Select(c => c.Id).ToList()));
        await Eventually.HoldsAsync(() => { lock (steps) return steps.Any(s => s.Site == target && s.Total == rest && s.Done == rest); }, "the rest of the image to arrive");
        lock (steps)
        {
            // The first fetch on the target site was the boot-critical part alone; the rest came after.
            var onTarget = steps.Where(s => s.Site == target).ToList();
            Assert.Equal(boot, onTarget[0].Total);
        }
        await handle.UnsubscribeAsync();
        await Sdk.VirtualEnvironments.DeleteAsync(ve);
        await Sdk.Images.DeleteAsync(name);
    }

    [Fact]
    public async Task A_corrupted_chunk_is_detected_on_read_and_fetched_again_from_another_replica()
    {
        var name = $"heal-{_test}";
        var imported = await ImportAsync(name, Content(4, 1 << 20));
        var site = imported.ReplicasBySite.Keys.First();
        var id = (await fixture.Client.GetGrain<IImageGrain>(name).GetManifestAsync())!.Chunks[0].Id;
        var silo = fixture.Cluster.Silos.Single(s => fixture.SiteOfSilo[s.Name] == site);
        var file = Directory.GetFiles(silo.ServiceProvider.GetRequiredService<ChunkStores>().Of(site).Directory, $"{id}*", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(file, bytes);

        var error = await Assert.ThrowsAsync<ChunkUnavailableException>(() => Store(site).GetAsync(id));
        Assert.Contains(id, error.Message);

        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                var compressed = await Store(site).GetAsync(id);
                using var decompressor = new ZstdSharp.Decompressor();
                return ChunkId.Of(decompressor.Unwrap(compressed)).Hex == id;
            }
            catch (ChunkUnavailableException)
            {
                return false;
            }
        }, "the chunk to be healed from the other replica");
        await Sdk.Images.DeleteAsync(name);
    }

    [Fact]
    public async Task Bad_input_gets_an_error_that_names_the_problem_and_leaves_no_image()
    {
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => ImportAsync($"empty-{_test}", [], "empty.img"));
        Assert.Contains("empty", empty.Message);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => ImportAsync($"unknown-{_test}", Content(5, 4096), "mystery.bin"));
        Assert.Contains("mystery.bin", unknown.Message);
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => Sdk.Images.ImportFileAsync($"nofile-{_test}", "/nonexistent/disk.img", "t"));
        Assert.Contains("/nonexistent/disk.img", missing.Message);
        Assert.Null(await fixture.Client.GetGrain<IImageGrain>($"unknown-{_test}").GetInfoAsync());

        var broken = await Assert.ThrowsAsync<ImageOperationException>(() =>
            Sdk.Images.ImportAsync($"broken-{_test}", new FailingStream(Content(8, 16 << 20), failAt: 12 << 20), "broken.img", "t"));
        Assert.Contains("broken.img", broken.Message);
        Assert.Null(await fixture.Client.GetGrain<IImageGrain>($"broken-{_test}").GetInfoAsync());
        Assert.DoesNotContain($"broken-{_test}", (await Sdk.Images.ListAsync()).Select(i => i.Name));
        // The chunks it sent before failing belong to no image: the store's sweep removes them, and nothing else.
        await ImportAsync($"kept-{_test}", Content(9, 200_000));
        var kept = (await fixture.Client.GetGrain<IImageGrain>($"kept-{_test}").GetManifestAsync())!.Chunks.Select(c => c.Id).ToList();
        var unreferenced = 0;
        foreach (var site in SiteClusterFixture.Sites)
            unreferenced += (await Store(site).GetUnreferencedAsync(TimeSpan.Zero)).Count;
        Assert.True(unreferenced >= 64, $"{unreferenced} chunks listed as unreferenced; the broken import had sent at least one batch of 64");
        var swept = 0;
        foreach (var site in SiteClusterFixture.Sites)
            swept += await Store(site).SweepAsync(TimeSpan.Zero);
        Assert.True(swept >= 64, $"{swept} chunks swept; the broken import had sent at least one batch of 64");
        Assert.Equal(2 * kept.Distinct().Count(), (await HeldAsync(kept)).Count);
        var orphans = 0;
        foreach (var site in SiteClusterFixture.Sites)
            orphans += await Store(site).SweepAsync(TimeSpan.Zero);
        Assert.Equal(0, orphans);
        foreach (var site in SiteClusterFixture.Sites)
            Assert.Empty(await Store(site).GetUnreferencedAsync(TimeSpan.Zero));
        await Sdk.Images.DeleteAsync($"kept-{_test}");

        await ImportAsync($"taken-{_test}", Content(6, 100_000));
        var clash = await Assert.ThrowsAsync<ImageOperationException>(() => ImportAsync($"taken-{_test}", Content(7, 100_000)));
        Assert.Contains("taken", clash.Message);
        var noSuch = await Assert.ThrowsAsync<NotFoundException>(() => Sdk.Images.ShowAsync($"takne-{_test}"));
        Assert.Contains($"did you mean 'taken-{_test}'", noSuch.Message);

        var ve = await Assert.ThrowsAsync<InvalidVeSpecException>(() =>
            Sdk.VirtualEnvironments.CreateAsync($"tenant-{_test}/noimage", new VeSpec([new VmTemplate("web", 1, 512, Image: $"ghost-{_test}")])));
        Assert.Contains($"ghost-{_test}", ve.Message);
        await Sdk.Images.DeleteAsync($"taken-{_test}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_imports_and_deletes_never_lose_a_referenced_chunk_and_leave_no_orphan(int seed)
    {
        // Images built from a small pool of blocks share most chunks; imports and deletes interleave at random.
        var random = new Random(seed);
        var blocks = Enumerable.Range(0, 4).Select(i => Content(seed * 100 + i, 300_000)).ToArray();
        var live = new Dictionary<string, IReadOnlyList<string>>();
        var everSeen = new HashSet<string>();
        for (var step = 0; step < 8; step++)
        {
            if (live.Count > 0 && random.Next(3) == 0)
            {
                var victim = live.Keys.ElementAt(random.Next(live.Count));
                await Sdk.Images.DeleteAsync(victim);
                live.Remove(victim);
            }
            else
            {
                var name = $"gc{seed}-{step}-{_test}";
                var content = Enumerable.Range(0, 3).SelectMany(_ => blocks[random.Next(blocks.Length)]).ToArray();
                await ImportAsync(name, content);
                var ids = (await fixture.Client.GetGrain<IImageGrain>(name).GetManifestAsync())!.Chunks.Select(c => c.Id).Distinct().ToList();
                live[name] = ids;
                everSeen.UnionWith(ids);
            }

            var referenced = live.Values.SelectMany(ids => ids).ToHashSet();
            var held = await HeldAsync(everSeen.ToList());
            Assert.All(referenced, id => Assert.Equal(2, held.Count(h => h.Id == id)));
            Assert.DoesNotContain(held, h => !referenced.Contains(h.Id));
        }
        foreach (var name in live.Keys)
            await Sdk.Images.DeleteAsync(name);
        Assert.Empty(await HeldAsync(everSeen.ToList()));
    }

    // (chunk, site) for every replica of the given chunks in every site's store.
    private async Task<List<(string Id, string Site)>> HeldAsync(IReadOnlyList<string> ids)
    {
        var held = new List<(string, string)>();
        foreach (var site in SiteClusterFixture.Sites)
        {
            var missing = (await Store(site).MissingAsync(ids)).ToHashSet();
            held.AddRange(ids.Where(id => !missing.Contains(id)).Select(id => (id, site)));
        }
        return held;
    }

    // A file whose disk fails part-way through.
    private sealed class FailingStream(byte[] content, int failAt) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count) =>
            Position >= failAt ? throw new IOException("input/output error") : base.Read(buffer, offset, Math.Min(count, failAt - (int)Position));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAt ? throw new IOException("input/output error") : base.ReadAsync(buffer[..Math.Min(buffer.Length, failAt - (int)Position)], cancellationToken);
    }

    private sealed class SynchronousProgress(Action<ImageImportProgress> report) : IProgress<ImageImportProgress>
    {
        public void Report(ImageImportProgress value) => report(value);
    }
}
