using System.Buffers;

namespace Discovery.Images;

/// <summary>Splits a stream into content-defined chunks (<see cref="FastCdc"/>) and names each by its BLAKE3 hash.</summary>
public static class Chunker
{
    /// <summary>Bytes read from the stream at a time; large reads keep the per-chunk cost to hashing and chunking.</summary>
    private const int MinBufferSize = 4 * 1024 * 1024;

    /// <summary>
    /// Splits <paramref name="input"/> into chunks and returns their refs in order. <paramref name="onChunk"/> gets each
    /// chunk's id and bytes, one at a time and in order; the bytes are valid only until the returned task completes, so
    /// copy or store them there. <paramref name="bytesRead"/> gets the running total of bytes read.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="EmptyImageException">The stream has no bytes.</exception>
    public static async Task<IReadOnlyList<ChunkRef>> ChunkAsync(Stream input, ChunkerOptions options,
        Func<ChunkId, ReadOnlyMemory<byte>, ValueTask> onChunk, IProgress<long>? bytesRead = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(onChunk);
        var cdc = new FastCdc(options);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(MinBufferSize, 4 * options.MaxSize));
        try
        {
            var refs = new List<ChunkRef>();
            int start = 0, end = 0;
            long total = 0;
            var endOfStream = false;
            while (true)
            {
                if (!endOfStream && end - start < options.MaxSize)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    (end, start) = (end - start, 0);
                    while (end < buffer.Length)
                    {
                        var read = await input.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            endOfStream = true;
                            break;
                        }
                        end += read;
                        total += read;
                        bytesRead?.Report(total);
                    }
                }
                if (start == end)
                    break;
                var length = cdc.NextBoundary(buffer.AsSpan(start, end - start));
                var chunk = buffer.AsMemory(start, length);
                var id = ChunkId.Of(chunk.Span);
                await onChunk(id, chunk).ConfigureAwait(false);
                refs.Add(new ChunkRef(id, length));
                start += length;
            }
            return refs.Count > 0 ? refs
                : throw new EmptyImageException($"the image {Describe(input)} is empty (0 bytes): nothing to chunk");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Describe(Stream input) => input is FileStream file ? $"'{file.Name}'" : "stream";
}
