using Discovery.Abstractions.Images;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Images;

/// <summary>One chunk's references and replicas. The last release collects the chunk from every store.</summary>
public sealed class ImageChunkGrain(
    [PersistentState("chunk", StorageNames.State)] IPersistentState<ChunkRecord> record,
    ILogger<ImageChunkGrain> logger) : Grain, IImageChunkGrain
{
    private string Id => this.GetPrimaryKeyString();

    private ChunkRecord R => record.State;

    /// <inheritdoc />
    public async Task AddReferenceAsync(string image, int size)
    {
        if (size <= 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"chunk {Id}: size must be positive");
        if (R.Size != 0 && R.Size != size)
            throw new ArgumentException($"chunk {Id} is {R.Size} bytes, not {size}: the same hash cannot have two sizes", nameof(size));
        if (R.Images.Contains(image))
            return;
        R.Size = size;
        R.Images.Add(image);
        await record.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<int> ReleaseAsync(string image)
    {
        if (!R.Images.Remove(image))
            return R.Images.Count;
        if (R.Images.Count > 0)
        {
            await record.WriteStateAsync();
            return R.Images.Count;
        }
        foreach (var site in R.Sites.ToList())
        {
            try
            {
                await GrainFactory.GetGrain<ISiteChunkStoreGrain>(site).DeleteAsync(Id);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A site that is down keeps an unreferenced file; nothing points at it, and it is never read.
                logger.LogWarning("Chunk {Chunk}: could not delete the replica on site {Site}: {Problem}", Id, site, e.Message);
            }
        }
        await record.ClearStateAsync();
        return 0;
    }

    /// <inheritdoc />
    public async Task AddReplicaAsync(string site)
    {
        if (R.Sites.Contains(site))
            return;
        R.Sites.Add(site);
        await record.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task RemoveReplicaAsync(string site)
    {
        if (R.Sites.Remove(site))
            await record.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<ChunkInfo> GetInfoAsync() => Task.FromResult(new ChunkInfo(Id, R.Size, R.Images.ToList(), R.Sites.ToList()));
}

/// <summary>The stored record of a chunk.</summary>
[GenerateSerializer, Alias("discovery.chunk-record")]
public sealed class ChunkRecord
{
    /// <summary>Bytes, uncompressed.</summary>
    [Id(0)] public int Size { get; set; }

    /// <summary>The images that use it.</summary>
    [Id(1)] public List<string> Images { get; set; } = [];

    /// <summary>The sites that hold a verified replica.</summary>
    [Id(2)] public List<string> Sites { get; set; } = [];
}
