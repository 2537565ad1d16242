using Discovery.Abstractions.Images;
using Discovery.Abstractions.Security;
using Discovery.Abstractions.Sites;
using Discovery.Grains.Environments;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Images;

/// <summary>
/// The record of one image: declared (name and size), or imported (a manifest of chunks, referenced in the chunk
/// grains and replicated on <see cref="ImageOptions.Replicas"/> sites, different regions first).
/// </summary>
public sealed class ImageGrain(
    [PersistentState("image", StorageNames.State)] IPersistentState<ImageRecord> record,
    LatencyEstimator latency,
    IOptions<ImageOptions> options,
    Security.PolicyEnforcement policies,
    ChunkScoping scoping,
    ChunkStores stores,
    ILogger<ImageGrain> logger) : Grain, IImageGrain, Security.IOwnedGrain
{
    private const int Parallel = 16;

    private string Name => this.GetPrimaryKeyString();

    private ImageRecord R => record.State;

    private string QuotaHolder => $"image:{Name}";

    private ITenantQuotaGrain Quota(string owner) => GrainFactory.GetGrain<ITenantQuotaGrain>(owner);

    /// <summary>The tenant that imported the image; null for a declared image or none.</summary>
    public string? Owner => R.Manifest is null ? null : R.Owner;

    /// <inheritdoc />
    public async Task RegisterAsync(ImageInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.SizeGiB < 1)
            throw new ArgumentException($"image {Name}: size must be at least 1 GiB (got {info.SizeGiB})", nameof(info));
        if (R.Manifest is not null)
            throw new ImageOperationException($"image name '{Name}' is taken by an imported image");
        if (R.Info == info)
            return;
        R.Info = info;
        await record.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<ImageInfo?> GetInfoAsync() => Task.FromResult(
        R.Manifest is { } m && R.State == ImageState.Ready
            ? new ImageInfo(Math.Max(1, (m.Size + (1L << 30) - 1) >> 30), $"imported {m.Format} image, {m.Chunks.Count} chunks")
            : R.Manifest is null ? R.Info : null);

    /// <inheritdoc />
    public Task<ImageManifestInfo?> GetManifestAsync() => Task.FromResult(R.State == ImageState.Ready ? R.Manifest : null);

    /// <inheritdoc />
    public async Task<ImageDetails> CommitAsync(ImageManifestInfo manifest, string owner, string site)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (ValidateName(Name) is { } badName)
            throw new ArgumentException(badName);
        if (R.Info is not null || R.Manifest is not null)
            throw new ImageOperationException($"image name '{Name}' is taken ({(R.Manifest is null ? "declared by the infrastructure" : $"imported by {R.Owner}")}); choose another name or delete it first");
        if (manifest.Chunks.Count == 0 || manifest.Size <= 0)
            throw new ArgumentException($"image {Name}: the manifest is empty");
        if (manifest.Chunks.Sum(c => (long)c.Size) != manifest.Size)
            throw new ArgumentException($"image {Name}: the chunks add up to {manifest.Chunks.Sum(c => (long)c.Size)} bytes, not the {manifest.Size} the manifest says");
        if (manifest.BootChunks.FirstOrDefault(i => i < 0 || i >= manifest.Chunks.Count, -1) is var bad and >= 0)
            throw new ArgumentException($"image {Name}: boot chunk index {bad} is outside the {manifest.Chunks.Count} chunks");
        manifest = await ScopeAsync(manifest, owner);
        var ids = manifest.Chunks.Select(c => c.Id).Distinct().ToList();
        var missing = await GrainFactory.GetGrain<ISiteChunkStoreGrain>(site).MissingAsync(ids);
        if (missing.Count > 0)
            throw new ImageOperationException($"image {Name}: {missing.Count} of its {ids.Count} chunks are not in site {site}'s store (first: {missing[0]}); upload them before committing");

        // Counted against the owner's quota before anything is referenced; given back if the import fails.
        await Quota(owner).ReserveAsync(QuotaHolder, new QuotaUsage(ImageBytes: manifest.Size));
        (R.Manifest, R.Owner, R.State, R.EncryptedAtRest) = (manifest, owner, ImageState.Importing, stores.EncryptAtRest);
        await record.WriteStateAsync();
        try
        {
            var sizes = manifest.Chunks.DistinctBy(c => c.Id).ToList();
            await ForEachAsync(sizes, async c =>
            {
                var chunk = GrainFactory.GetGrain<IImageChunkGrain>(c.Id);
                await chunk.AddReferenceAsync(Name, c.Size);
                await chunk.AddReplicaAsync(site);
            });
            await ReplicateAsync(ids);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning("Image {Image}: import failed, undoing it: {Problem}", Name, e.Message);
            await ReleaseChunksAsync();
            await record.ClearStateAsync();
            await Quota(owner).ReleaseAsync(QuotaHolder);
            throw new ImageOperationException($"image {Name}: import failed and was undone: {e.Message}");
        }
        R.State = ImageState.Ready;
        await record.WriteStateAsync();
        await GrainFactory.GetGrain<IImageDirectoryGrain>(0).AddAsync(Name, R.Owner);
        return (await GetDetailsAsync())!;
    }

    /// <inheritdoc />
    public async Task<ImageDetails?> GetDetailsAsync()
    {
        if (R.Manifest is not { } m)
            return R.Info is { } info ? new ImageDetails(Name, null, ImageState.Declared, info.SizeGiB << 30, null, 0, 0, 0, new Dictionary<string, int>()) : null;
        var chunks = await InfosAsync(m.Chunks.Select(c => c.Id).Distinct());
        long unique = 0, shared = 0;
        foreach (var c in chunks)
        {
            if (c.Images.Count > 1)
                shared += c.Size;
            else
                unique += c.Size;
        }
        var bySite = chunks.SelectMany(c => c.Sites).GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        return new ImageDetails(Name, R.Owner, R.State, m.Size, m.Format, m.Chunks.Count, unique, shared, bySite, R.EncryptedAtRest);
    }

    /// <inheritdoc />
    public async Task<int> RepairAsync() => R.Manifest is { } m && R.State == ImageState.Ready
        ? await ReplicateAsync(m.Chunks.Select(c => c.Id).Distinct().ToList())
        : 0;

    /// <inheritdoc />
    public async Task DeleteAsync()
    {
        if (R.Manifest is null && R.Info is null)
            return;
        if (R.Manifest is not null)
        {
            R.State = ImageState.Deleting;
            await record.WriteStateAsync();
            await ReleaseChunksAsync();
            if (R.Owner is { } owner)
                await Quota(owner).ReleaseAsync(QuotaHolder);
        }
        await record.ClearStateAsync();
        await GrainFactory.GetGrain<IImageDirectoryGrain>(0).RemoveAsync(Name);
    }

    // The manifest names chunks by hash; the image references them in the scope its owner's chunks go in (the same
    // scope the import uploaded them to), so another tenant's isolated chunks can be neither found nor referenced.
    private async Task<ImageManifestInfo> ScopeAsync(ImageManifestInfo manifest, string owner)
    {
        if (manifest.Chunks.FirstOrDefault(c => !Discovery.Images.ChunkId.TryParse(c.Id, out _)) is { } scoped)
            throw new ArgumentException($"image {Name}: chunk '{scoped.Id}' is not a content hash (64 hex digits)");
        var keys = await scoping.KeysAsync(owner, manifest.Chunks.Select(c => c.Id));
        return manifest with { Chunks = manifest.Chunks.Select((c, i) => c with { Id = keys[i].ToString() }).ToList() };
    }

    /// <summary>Null when <paramref name="name"/> can name an image, else why not.</summary>
    public static string? ValidateName(string name) => ImageName.Validate(name);

    // Brings every chunk up to the wanted number of live replicas (on sites with a silo up), copying to the sites
    // nearest an existing replica, other regions first. Returns how many copies were made.
    private async Task<int> ReplicateAsync(IReadOnlyList<string> ids)
    {
        var up = (await GrainFactory.GetGrain<IClusterOverviewGrain>(0).GetSitesAsync()).Where(s => s.IsUp).Select(s => s.Name).ToList();
        var wanted = Math.Min(options.Value.Replicas, up.Count);
        // Copies go only where the owner's policy lets its data be (the same decision point as placement).
        var allowed = R.Owner is { } owner ? await policies.AllowedSitesAsync(owner, $"replicate image {Name}", up) : up;
        var chunks = await InfosAsync(ids);
        var plan = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            var live = chunk.Sites.Where(up.Contains).ToList();
            if (live.Count == 0)
                throw new ChunkUnavailableException($"chunk {chunk.Id} has no replica on a site that is up");
            foreach (var target in Targets(live, allowed).Take(wanted - live.Count))
                (plan.TryGetValue(target, out var list) ? list : plan[target] = []).Add(chunk.Id);
        }
        var copies = await Task.WhenAll(plan.Select(p => GrainFactory.GetGrain<ISiteChunkStoreGrain>(p.Key).FetchAsync(p.Value, Name)));
        if (chunks.Count > 0 && wanted < options.Value.Replicas)
            logger.LogWarning("Image {Image}: only {Sites} site(s) up, so its chunks have {Wanted} replica(s), not {Replicas}", Name, up.Count, wanted, options.Value.Replicas);
        return copies.Sum();
    }

    // Sites that do not hold the chunk yet: those in a region with no replica first, then the nearest to a replica.
    private IEnumerable<string> Targets(IReadOnlyList<string> holders, IReadOnlyList<string> up)
    {
        var regions = holders.Select(latency.RegionOf).ToHashSet();
        return up.Where(s => !holders.Contains(s))
            .OrderBy(s => latency.RegionOf(s) is { } region && regions.Contains(region) ? 1 : 0)
            .ThenBy(s => holders.Min(h => latency.SiteRttMs(h, s)))
            .ThenBy(s => s, StringComparer.Ordinal);
    }

    private async Task ReleaseChunksAsync()
    {
        if (R.Manifest is { } m)
            await ForEachAsync(m.Chunks.Select(c => c.Id).Distinct().ToList(), id => GrainFactory.GetGrain<IImageChunkGrain>(id).ReleaseAsync(Name));
    }

    private async Task<List<ChunkInfo>> InfosAsync(IEnumerable<string> ids)
    {
        var infos = new List<ChunkInfo>();
        foreach (var batch in ids.Chunk(Parallel))
            infos.AddRange(await Task.WhenAll(batch.Select(id => GrainFactory.GetGrain<IImageChunkGrain>(id).GetInfoAsync())));
        return infos;
    }

    private static async Task ForEachAsync<T>(IReadOnlyList<T> items, Func<T, Task> action)
    {
        foreach (var batch in items.Chunk(Parallel))
            await Task.WhenAll(batch.Select(action));
    }
}

/// <summary>The stored record of an image.</summary>
[GenerateSerializer, Alias("discovery.image-record")]
public sealed class ImageRecord
{
    /// <summary>A declared image's description, null for an imported one.</summary>
    [Id(0)] public ImageInfo? Info { get; set; }

    /// <summary>An imported image's manifest.</summary>
    [Id(1)] public ImageManifestInfo? Manifest { get; set; }

    /// <summary>The tenant that imported it.</summary>
    [Id(2)] public string? Owner { get; set; }

    /// <summary>Where it is in its life.</summary>
    [Id(3)] public ImageState State { get; set; }

    /// <summary>Whether it was imported into chunk stores that seal their files at rest.</summary>
    [Id(4)] public bool EncryptedAtRest { get; set; }
}
