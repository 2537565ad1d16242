namespace Discovery.Images;

/// <summary>Imports an image into a chunk store: detect its format, chunk it, store the new chunks, build its manifest.</summary>
public static class ImageImport
{
    /// <summary>
    /// Chunks <paramref name="input"/> into <paramref name="store"/> and returns its manifest, with the chunks covering the
    /// first <paramref name="bootBytes"/> bytes as boot profile. The format is detected from the first chunk (which holds
    /// the whole header) and <paramref name="fileName"/>, before anything is stored.
    /// </summary>
    /// <exception cref="UnknownImageFormatException">The image is not raw, qcow2 or tar.</exception>
    /// <exception cref="EmptyImageException">The stream is empty.</exception>
    public static async Task<ImageManifest> ImportAsync(Stream input, string fileName, ChunkStore store, ChunkerOptions options,
        long bootBytes, IProgress<long>? bytesRead = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ImageFormat? format = null;
        var chunks = await Chunker.ChunkAsync(input, options, async (id, content) =>
        {
            format ??= ImageFormats.Detect(content.Span[..Math.Min(content.Length, ImageFormats.HeadSize)], fileName);
            await store.PutHashedAsync(id, content, cancellationToken).ConfigureAwait(false);
        }, bytesRead, cancellationToken).ConfigureAwait(false);
        return ImageManifest.Create(chunks, format!.Value, bootBytes);
    }
}
