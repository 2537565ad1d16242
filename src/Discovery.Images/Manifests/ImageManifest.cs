namespace Discovery.Images;

/// <summary>
/// An image as stored: its chunks in order, its size, its format, and the chunks a VM needs first to boot.
/// </summary>
/// <param name="Chunks">The image's chunks in order; concatenated they are the image.</param>
/// <param name="Size">The image's size in bytes, the sum of the chunk sizes.</param>
/// <param name="Format">The image's format.</param>
/// <param name="BootChunks">Indexes into <paramref name="Chunks"/> in the order boot needs them (the boot profile).</param>
public sealed record ImageManifest(IReadOnlyList<ChunkRef> Chunks, long Size, ImageFormat Format, IReadOnlyList<int> BootChunks)
{
    /// <summary>The default boot profile: the indexes of the chunks covering the image's first <paramref name="bytes"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    public static IReadOnlyList<int> FirstBytes(IReadOnlyList<ChunkRef> chunks, long bytes)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var indexes = new List<int>();
        long offset = 0;
        for (var i = 0; i < chunks.Count && offset < bytes; i++)
        {
            indexes.Add(i);
            offset += chunks[i].Size;
        }
        return indexes;
    }

    /// <summary>The manifest of a chunked image with the <see cref="FirstBytes"/> boot profile.</summary>
    public static ImageManifest Create(IReadOnlyList<ChunkRef> chunks, ImageFormat format, long bootBytes) =>
        new(chunks, chunks.Sum(c => (long)c.Size), format, FirstBytes(chunks, bootBytes));

    /// <summary>Distinct chunk ids in first-seen order; an image often repeats chunks (zero blocks, copies).</summary>
    public IEnumerable<ChunkId> DistinctChunks() => Chunks.Select(c => c.Id).Distinct();
}
