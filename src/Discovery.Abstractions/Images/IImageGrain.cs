namespace Discovery.Abstractions.Images;

/// <summary>
/// A VM image, keyed by its name (e.g. <c>debian-12</c>). Either declared (a name and a size, for infrastructure that
/// brings its own disks) or imported: a manifest of content-defined chunks kept in the sites' chunk stores.
/// </summary>
[Alias("discovery.image")]
public interface IImageGrain : IGrainWithStringKey
{
    /// <summary>Records a declared image (idempotent for the same description).</summary>
    [Alias("register")]
    Task RegisterAsync(ImageInfo info);

    /// <summary>The image's description, or null when no image has this name.</summary>
    [Alias("info")]
    Task<ImageInfo?> GetInfoAsync();

    /// <summary>
    /// Makes an imported image out of chunks already uploaded to <paramref name="site"/>'s store: references every
    /// chunk, replicates each to the configured number of sites, and marks the image ready. Refuses a name that is
    /// taken, a manifest whose chunks are not all in the store, and an empty manifest; leaves nothing behind when it
    /// fails.
    /// </summary>
    [Alias("commit")]
    Task<ImageDetails> CommitAsync(ImageManifestInfo manifest, string owner, string site);

    /// <summary>Size, dedup (unique and shared bytes) and where each chunk's replicas are.</summary>
    [Alias("details")]
    Task<ImageDetails?> GetDetailsAsync();

    /// <summary>The manifest of an imported image, or null.</summary>
    [Alias("manifest")]
    Task<ImageManifestInfo?> GetManifestAsync();

    /// <summary>
    /// Copies again the chunks that have fewer live replicas than wanted (a replica on a site with no silo up does
    /// not count). Returns how many copies were made.
    /// </summary>
    [Alias("repair")]
    Task<int> RepairAsync();

    /// <summary>Deletes the image and releases its chunks; chunks nothing else uses are removed from every store.</summary>
    [Alias("delete")]
    Task DeleteAsync();
}

/// <summary>What is known of an image.</summary>
/// <param name="SizeGiB">Its virtual disk size, the least disk a VM booting it needs.</param>
/// <param name="Description">A human description.</param>
[GenerateSerializer, Immutable, Alias("discovery.image-info")]
public sealed record ImageInfo([property: Id(0)] long SizeGiB, [property: Id(1)] string? Description = null);

/// <summary>An imported image's content: its chunks in order, and those its first boot reads, in boot order.</summary>
/// <param name="Chunks">Chunk ids (lowercase hex) with their sizes, in file order.</param>
/// <param name="Size">Total bytes.</param>
/// <param name="Format">raw, qcow2 or tar; libvirt-save for a VM's snapshot (its saved memory and device state).</param>
/// <param name="BootChunks">Indexes into <paramref name="Chunks"/> that boot needs first, in that order.</param>
[GenerateSerializer, Immutable, Alias("discovery.image-manifest")]
public sealed record ImageManifestInfo(
    [property: Id(0)] IReadOnlyList<ChunkEntry> Chunks,
    [property: Id(1)] long Size,
    [property: Id(2)] string Format,
    [property: Id(3)] IReadOnlyList<int> BootChunks);

/// <summary>One chunk of a manifest.</summary>
[GenerateSerializer, Immutable, Alias("discovery.chunk-entry")]
public sealed record ChunkEntry([property: Id(0)] string Id, [property: Id(1)] int Size);

/// <summary>An image as the <c>image show</c> command and the console present it.</summary>
/// <param name="Name">The image's name.</param>
/// <param name="Owner">The tenant that imported it (null for a declared image).</param>
/// <param name="State">Importing, Ready or Deleting (Declared for a declared image).</param>
/// <param name="Size">Bytes.</param>
/// <param name="Format">raw, qcow2, tar (null for a declared image).</param>
/// <param name="Chunks">How many chunks.</param>
/// <param name="UniqueBytes">Bytes in chunks no other image uses.</param>
/// <param name="SharedBytes">Bytes in chunks other images use too (deduplicated).</param>
/// <param name="ReplicasBySite">How many of its chunks each site holds.</param>
/// <param name="EncryptedAtRest">Whether it was imported into chunk stores that seal their files (the operator's chunk key).</param>
[GenerateSerializer, Immutable, Alias("discovery.image-details")]
public sealed record ImageDetails(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Owner,
    [property: Id(2)] ImageState State,
    [property: Id(3)] long Size,
    [property: Id(4)] string? Format,
    [property: Id(5)] int Chunks,
    [property: Id(6)] long UniqueBytes,
    [property: Id(7)] long SharedBytes,
    [property: Id(8)] IReadOnlyDictionary<string, int> ReplicasBySite,
    [property: Id(9)] bool EncryptedAtRest = false);

/// <summary>Where an image is in its life.</summary>
public enum ImageState
{
    /// <summary>Declared by the infrastructure: a name and a size, no content here.</summary>
    Declared,
    /// <summary>Being committed: chunks referenced and replicated.</summary>
    Importing,
    /// <summary>Usable by VMs.</summary>
    Ready,
    /// <summary>Being deleted.</summary>
    Deleting,
}

/// <summary>An image operation refused: the name is taken, a chunk is missing, the image is in use or not ready.</summary>
[GenerateSerializer, Alias("discovery.image-operation")]
public sealed class ImageOperationException(string message) : InvalidOperationException(message);
