namespace Discovery.Abstractions.Images;

/// <summary>
/// One content-defined chunk, keyed by its hash (lowercase hex): its size, the images that reference it, and the
/// sites that hold a replica. The bytes live in the sites' chunk stores, not here.
/// </summary>
[Alias("discovery.image-chunk")]
public interface IImageChunkGrain : IGrainWithStringKey
{
    /// <summary>Records that <paramref name="image"/> uses this chunk (idempotent).</summary>
    [Alias("reference")]
    Task AddReferenceAsync(string image, int size);

    /// <summary>
    /// Records that <paramref name="image"/> no longer uses this chunk; the last release deletes every replica and
    /// forgets the chunk. Returns how many images still use it.
    /// </summary>
    [Alias("release")]
    Task<int> ReleaseAsync(string image);

    /// <summary>Records that <paramref name="site"/> now holds a verified replica.</summary>
    [Alias("add-replica")]
    Task AddReplicaAsync(string site);

    /// <summary>Records that <paramref name="site"/> lost its replica (corrupted, or its store is gone).</summary>
    [Alias("remove-replica")]
    Task RemoveReplicaAsync(string site);

    /// <summary>What is known of the chunk.</summary>
    [Alias("chunk-info")]
    Task<ChunkInfo> GetInfoAsync();
}

/// <summary>What is known of one chunk.</summary>
[GenerateSerializer, Immutable, Alias("discovery.chunk-info")]
public sealed record ChunkInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] int Size,
    [property: Id(2)] IReadOnlyList<string> Images,
    [property: Id(3)] IReadOnlyList<string> Sites);

/// <summary>
/// A site's chunk store, on the disk of its silo (keyed by the site). Chunks arrive compressed and are verified by
/// hash before they count as stored.
/// </summary>
[Alias("discovery.site-chunks")]
public interface ISiteChunkStoreGrain : IGrainWithStringKey
{
    /// <summary>
    /// The chunk keys among <paramref name="ids"/> this store lacks, in the order given. A key is a hash (a chunk any
    /// tenant's image may share) or <c>tenant/hash</c> (a chunk kept in that tenant's scope).
    /// </summary>
    [Alias("missing")]
    Task<IReadOnlyList<string>> MissingAsync(IReadOnlyList<string> ids);

    /// <summary>
    /// What an import by <paramref name="tenant"/> must upload: the hashes among <paramref name="hashes"/> this store
    /// lacks in the scope the tenant's chunks go in. Where the operator keeps tenants' chunks apart, the answer is
    /// the same whether or not another tenant holds the content.
    /// </summary>
    [Alias("missing-for")]
    Task<IReadOnlyList<string>> MissingForAsync(string tenant, IReadOnlyList<string> hashes);

    /// <summary>Stores a compressed chunk after checking its hash; throws <see cref="ChunkUnavailableException"/> when it does not match.</summary>
    [Alias("put")]
    Task PutAsync(string id, byte[] compressed);

    /// <summary>Stores a compressed chunk of an import by <paramref name="tenant"/>, in the scope its chunks go in.</summary>
    [Alias("put-for")]
    Task PutForAsync(string tenant, string hash, byte[] compressed);

    /// <summary>A chunk, compressed, verified first; <see cref="ChunkUnavailableException"/> when missing or corrupt here.</summary>
    [Alias("get")]
    Task<byte[]> GetAsync(string id);

    /// <summary>
    /// Copies the chunks this store lacks, in the order given, each from the nearest site among its replicas;
    /// publishes progress on the image's stream when <paramref name="image"/> is given. Returns how many were copied.
    /// </summary>
    [Alias("fetch")]
    Task<int> FetchAsync(IReadOnlyList<string> ids, string? image = null);

    /// <summary>Removes a chunk from this store (garbage collection).</summary>
    [Alias("delete-chunk")]
    Task DeleteAsync(string id);

    /// <summary>
    /// Removes chunks older than <paramref name="olderThan"/> that no image references: what an import left behind
    /// when it failed before committing. Returns how many were removed.
    /// </summary>
    [Alias("sweep")]
    Task<int> SweepAsync(TimeSpan olderThan);

    /// <summary>
    /// The chunks (keys) this store holds, older than <paramref name="olderThan"/>, that no image references: what
    /// <see cref="SweepAsync"/> would remove. For checks; nothing is removed.
    /// </summary>
    [Alias("unreferenced")]
    Task<IReadOnlyList<string>> GetUnreferencedAsync(TimeSpan olderThan);

    /// <summary>How many chunks and bytes (compressed, on disk) this store holds.</summary>
    [Alias("usage")]
    Task<(int Chunks, long Bytes)> GetUsageAsync();
}

/// <summary>A chunk cannot be read where it was asked for: missing, or its bytes do not match its hash.</summary>
[GenerateSerializer, Alias("discovery.chunk-unavailable")]
public sealed class ChunkUnavailableException(string message) : Exception(message);

/// <summary>Progress of moving an image's chunks to a site, on stream namespace <see cref="Namespace"/> keyed by the image name.</summary>
[GenerateSerializer, Immutable, Alias("discovery.image-progress")]
public sealed record ImageProgress(
    [property: Id(0)] string Image,
    [property: Id(1)] string Site,
    [property: Id(2)] string Step,
    [property: Id(3)] int Done,
    [property: Id(4)] int Total)
{
    /// <summary>The stream namespace of image progress.</summary>
    public const string Namespace = "discovery.image";
}

/// <summary>Every imported image's name, for listing (like the VE directory).</summary>
[Alias("discovery.image-directory")]
public interface IImageDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records an image name and the tenant that owns it, if any (idempotent).</summary>
    [Alias("add")]
    Task AddAsync(string image, string? owner = null);

    /// <summary>Forgets an image name (idempotent).</summary>
    [Alias("remove")]
    Task RemoveAsync(string image);

    /// <summary>Every image name, in order; a tenant sees only its own images and those of no tenant.</summary>
    [Alias("list")]
    Task<IReadOnlyList<string>> ListAsync();
}
