using Discovery.Abstractions.Events;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Placement;
using Discovery.Grains.Diagnostics;
using Discovery.Grains.Environments;
using Discovery.Images;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;

namespace Discovery.Grains.Images;

/// <summary>
/// A site's chunk store, on its own silo. Reentrant: the store is a directory of immutable files written atomically,
/// so reads, writes and fetches of different chunks proceed together.
/// </summary>
[SitePlacement, Reentrant]
public sealed class SiteChunkStoreGrain(
    ChunkStores stores,
    ChunkScoping scoping,
    LatencyEstimator latency,
    IOptions<ImageOptions> options,
    ILogger<SiteChunkStoreGrain> logger) : Grain, ISiteChunkStoreGrain
{
    private string Site => this.GetPrimaryKeyString();

    // The store a chunk key's scope lives in, and the hash its bytes are checked against.
    private (ChunkStore Store, ChunkId Hash) Locate(string id)
    {
        var key = ChunkKey.Parse(id);
        return (stores.Of(Site, key.Tenant), key.Hash);
    }

    private bool Holds(string id)
    {
        var (store, hash) = Locate(id);
        return store.Contains(hash);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> ids) =>
        Task.FromResult<IReadOnlyList<string>>(ids.Where(id => !Holds(id)).ToList());

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> MissingForAsync(string tenant, IReadOnlyList<string> hashes)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        // Plain hashes only: the scope is decided here, so an importer can look only where its own chunks go.
        var keys = await scoping.KeysAsync(tenant, hashes);
        return hashes.Where((_, i) => !Holds(keys[i].ToString())).ToList();
    }

    /// <inheritdoc />
    public async Task PutForAsync(string tenant, string hash, byte[] compressed)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        await PutAsync((await scoping.KeysAsync(tenant, [hash]))[0].ToString(), compressed);
    }

    /// <inheritdoc />
    public async Task PutAsync(string id, byte[] compressed)
    {
        var (store, hash) = Locate(id);
        try
        {
            await store.PutCompressedAsync(hash, compressed);
        }
        catch (ChunkCorruptException e)
        {
            throw new ChunkUnavailableException($"chunk {id} sent to site {Site} does not match its hash: {e.Message}");
        }
    }

    /// <inheritdoc />
    public async Task<byte[]> GetAsync(string id)
    {
        var (store, chunk) = Locate(id);
        try
        {
            await store.GetAsync(chunk); // verified on every read: never hand out bytes that do not match their hash
            return await store.TryGetCompressedAsync(chunk) ?? throw new ChunkMissingException(chunk, $"chunk {id} vanished from site {Site}");
        }
        catch (Exception e) when (e is ChunkMissingException or ChunkCorruptException)
        {
            logger.LogWarning("Site {Site}: chunk {Chunk} is unusable ({Problem}); dropping the replica and fetching it again", Site, id, e.Message);
            store.Delete(chunk);
            await GrainFactory.GetGrain<IImageChunkGrain>(id).RemoveReplicaAsync(Site);
            this.AsReference<ISiteChunkStoreGrain>().FetchAsync([id]).Ignore();
            throw new ChunkUnavailableException($"chunk {id} is not usable on site {Site}: {e.Message}");
        }
    }

    /// <inheritdoc />
    public async Task<int> FetchAsync(IReadOnlyList<string> ids, string? image = null)
    {
        var missing = ids.Distinct().Where(id => !Holds(id)).ToList();
        var done = 0;
        await Progress(image, "fetching", 0, missing.Count);
        // In the given order (boot-critical chunks first), a few at a time.
        using var slots = new SemaphoreSlim(options.Value.ParallelFetches);
        var transfers = new List<Task>();
        // Started on this activation's scheduler (not Task.Run), so grain calls and stream events keep its context.
        async Task TransferAsync(string id)
        {
            try
            {
                await CopyFromNearestAsync(id);
                var now = Interlocked.Increment(ref done);
                if (now == missing.Count || now % Math.Max(1, missing.Count / 20) == 0)
                    await Progress(image, "fetching", now, missing.Count);
            }
            finally
            {
                slots.Release();
            }
        }
        foreach (var id in missing)
        {
            await slots.WaitAsync();
            transfers.Add(TransferAsync(id));
        }
        await Task.WhenAll(transfers);
        return missing.Count;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string id)
    {
        var (store, hash) = Locate(id);
        store.Delete(hash);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var every = options.Value.OrphanSweepAge;
        this.RegisterGrainTimer(() => SweepAsync(every), new GrainTimerCreationOptions(every, every) { Interleave = true });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<int> SweepAsync(TimeSpan olderThan)
    {
        var removed = 0;
        foreach (var (_, store, chunk) in await UnreferencedAsync(olderThan))
        {
            if (store.Delete(chunk))
                removed++;
        }
        if (removed > 0)
            logger.LogInformation("Site {Site}: swept {Count} chunk(s) no image references", Site, removed);
        return removed;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetUnreferencedAsync(TimeSpan olderThan) =>
        (await UnreferencedAsync(olderThan)).Select(u => u.Key.ToString()).ToList();

    // Chunks stored here for longer than olderThan that no image knows. Referenced chunks are the image grains'
    // business: a younger one may belong to an import or a snapshot that has not committed its manifest yet.
    private async Task<List<(ChunkKey Key, ChunkStore Store, ChunkId Chunk)>> UnreferencedAsync(TimeSpan olderThan)
    {
        var cutoff = DateTime.UtcNow - olderThan;
        var found = new List<(ChunkKey, ChunkStore, ChunkId)>();
        foreach (var (tenant, store) in stores.All(Site).ToList())
        {
            foreach (var chunk in store.List().ToList())
            {
                if (File.GetLastWriteTimeUtc(store.PathOf(chunk)) > cutoff)
                    continue;
                var key = new ChunkKey(tenant, chunk);
                if ((await GrainFactory.GetGrain<IImageChunkGrain>(key.ToString()).GetInfoAsync()).Images.Count == 0)
                    found.Add((key, store, chunk));
            }
        }
        return found;
    }

    /// <inheritdoc />
    public Task<(int Chunks, long Bytes)> GetUsageAsync()
    {
        var all = stores.All(Site).Select(s => s.Store).ToList();
        return Task.FromResult((all.Sum(s => s.List().Count()), all.Sum(s => s.BytesOnDisk())));
    }

    // Tries the replicas nearest this site first; a replica that turns out missing or corrupt is skipped (and heals itself).
    private async Task CopyFromNearestAsync(string id)
    {
        var info = await GrainFactory.GetGrain<IImageChunkGrain>(id).GetInfoAsync();
        var sources = info.Sites.Where(s => s != Site).OrderBy(s => latency.SiteRttMs(Site, s)).ThenBy(s => s, StringComparer.Ordinal).ToList();
        var problems = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                await EmulateWanAsync(source);
                var bytes = await GrainFactory.GetGrain<ISiteChunkStoreGrain>(source).GetAsync(id);
                await ThrottleAsync(bytes.Length);
                var (store, hash) = Locate(id);
                await store.PutCompressedAsync(hash, bytes);
                DiscoveryMetrics.ChunkTransferred(bytes.Length);
                await GrainFactory.GetGrain<IImageChunkGrain>(id).AddReplicaAsync(Site);
                return;
            }
            catch (Exception e) when (e is ChunkUnavailableException or SiteUnavailableException or ChunkCorruptException or TimeoutException)
            {
                problems.Add($"{source}: {e.Message}");
            }
        }
        throw new ChunkUnavailableException($"site {Site} could not get chunk {id} from any replica" +
                                            (problems.Count == 0 ? " (it has none)" : $": {string.Join("; ", problems)}"));
    }

    // On one machine every site is a local call away: a transfer costs at least one round trip between the sites.
    private Task EmulateWanAsync(string source) =>
        options.Value.EmulateWanRtt
            ? Task.Delay(TimeSpan.FromMilliseconds(latency.SiteRttMs(Site, source)))
            : Task.CompletedTask;

    // The per-site bandwidth limit: each transfer takes at least its size divided by the allowed rate.
    private Task ThrottleAsync(int bytes) =>
        options.Value.BandwidthMiBps is { } rate
            ? Task.Delay(TimeSpan.FromSeconds(bytes / (rate * 1024 * 1024) * options.Value.ParallelFetches))
            : Task.CompletedTask;

    private async Task Progress(string? image, string step, int done, int total)
    {
        if (image is null)
            return;
        try
        {
            await this.GetStreamProvider(DiscoveryStreams.Provider)
                .GetStream<ImageProgress>(StreamId.Create(ImageProgress.Namespace, image))
                .OnNextAsync(new ImageProgress(image, Site, step, done, total));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogDebug(e, "Site {Site}: could not publish progress of {Image}", Site, image);
        }
    }
}
