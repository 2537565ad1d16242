using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Hypervisor;
using Discovery.Images;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Images;

/// <summary>
/// Gets an imported image onto a node: its site pulls the missing chunks from the nearest replicas, boot-critical
/// chunks first, then the rest; the node assembles the image file in its local cache, and libvirt opens that file.
/// The VM starts once the file is whole: raw and qcow2 files cannot be opened half-written, and lazy block fetching
/// would need a network block device this system does not have. Boot-first order still matters: the boot-critical
/// chunks are the first a site has (and reports on the image's stream) when many VMs start at once, and the part a
/// lazy block device would need before starting.
/// </summary>
public sealed class ImageDelivery(ChunkStores stores, ILogger<ImageDelivery> logger)
{
    /// <summary>
    /// The disk file and its format for <paramref name="image"/> on <paramref name="node"/>, or null for a declared
    /// image (the node brings its own disk) and for a tar image (a root file system, not a disk).
    /// </summary>
    public async Task<(string Path, DiskFormat Format)?> PrepareAsync(IGrainFactory grains, NodeId node, string image)
    {
        var manifest = await grains.GetGrain<IImageGrain>(image).GetManifestAsync();
        if (manifest is null)
            return null;
        var path = await FetchAsync(grains, node, image, manifest);
        return manifest.Format switch
        {
            "raw" => (path, DiskFormat.Raw),
            "qcow2" => (path, DiskFormat.Qcow2),
            _ => null,
        };
    }

    /// <summary>
    /// The file of imported image <paramref name="image"/> (a disk, or a VM's saved state) assembled in
    /// <paramref name="node"/>'s cache, its chunks pulled to the node's site first. Throws
    /// <see cref="ImageOperationException"/> when there is no such imported image.
    /// </summary>
    public async Task<string> FetchFileAsync(IGrainFactory grains, NodeId node, string image) =>
        await FetchAsync(grains, node, image, await grains.GetGrain<IImageGrain>(image).GetManifestAsync()
            ?? throw new ImageOperationException($"image {image} is not an imported image"));

    private async Task<string> FetchAsync(IGrainFactory grains, NodeId node, string image, ImageManifestInfo manifest)
    {
        var directory = stores.ImageCacheOf(node.ToString());
        var path = Path.Combine(directory, $"{image}.{manifest.Format}");
        if (File.Exists(path))
            return path;
        var site = grains.GetGrain<ISiteChunkStoreGrain>(node.Site);
        var boot = manifest.BootChunks.Select(i => manifest.Chunks[i].Id).Distinct().ToList();
        await site.FetchAsync(boot, image);
        await site.FetchAsync(manifest.Chunks.Select(c => c.Id).Distinct().ToList(), image);
        await AssembleAsync(site, manifest, directory, path);
        logger.LogInformation("Node {Node}: image {Image} assembled at {Path} ({Bytes} bytes)", node, image, path, manifest.Size);
        return path;
    }

    /// <summary>
    /// Imports <paramref name="file"/> as image <paramref name="image"/> of <paramref name="owner"/> through the chunk
    /// store of <paramref name="site"/>: content-defined chunks, only those the store lacks sent, then committed
    /// (referenced and replicated to other sites, as a tenant's import is).
    /// </summary>
    public static async Task<ImageDetails> StoreFileAsync(IGrainFactory grains, string file, string image, string format, string owner, string site)
    {
        var store = grains.GetGrain<ISiteChunkStoreGrain>(site);
        var pending = new List<(string Id, byte[] Compressed)>();
        using var compressor = new ZstdSharp.Compressor(3);
        async Task FlushAsync()
        {
            var missing = (await store.MissingForAsync(owner, pending.Select(p => p.Id).ToList())).ToHashSet();
            foreach (var (id, compressed) in pending.Where(p => missing.Contains(p.Id)).DistinctBy(p => p.Id))
                await store.PutForAsync(owner, id, compressed);
            pending.Clear();
        }
        IReadOnlyList<ChunkRef> chunks;
        await using (var content = File.OpenRead(file))
        {
            chunks = await Chunker.ChunkAsync(content, new ChunkerOptions(), async (id, bytes) =>
            {
                pending.Add((id.Hex, compressor.Wrap(bytes.Span).ToArray()));
                if (pending.Count >= 64)
                    await FlushAsync();
            });
        }
        await FlushAsync();
        var manifest = new ImageManifestInfo(chunks.Select(c => new ChunkEntry(c.Id.Hex, c.Size)).ToList(), chunks.Sum(c => (long)c.Size), format, []);
        return await grains.GetGrain<IImageGrain>(image).CommitAsync(manifest, owner, site);
    }

    // Writes the chunks in order to a temporary file, checking each against its hash, then renames it into place.
    private static async Task AssembleAsync(ISiteChunkStoreGrain site, ImageManifestInfo manifest, string directory, string path)
    {
        Directory.CreateDirectory(directory);
        var temporary = $"{path}.{Guid.NewGuid():N}.part";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                using var decompressor = new ZstdSharp.Decompressor();
                foreach (var chunk in manifest.Chunks)
                {
                    var bytes = decompressor.Unwrap(await site.GetAsync(chunk.Id)).ToArray();
                    if (!ChunkKey.Parse(chunk.Id).Hash.Matches(bytes))
                        throw new ChunkUnavailableException($"chunk {chunk.Id} arrived with other content");
                    await file.WriteAsync(bytes);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
