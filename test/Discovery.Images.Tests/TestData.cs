namespace Discovery.Images.Tests;

internal static class TestData
{
    public static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Small chunk sizes so a few hundred KiB give dozens of chunks.</summary>
    public static readonly ChunkerOptions Small = new() { MinSize = 1024, AverageSize = 4096, MaxSize = 16 * 1024 };

    public static async Task<List<(ChunkId Id, byte[] Bytes)>> ChunkAsync(byte[] data, ChunkerOptions options)
    {
        var chunks = new List<(ChunkId, byte[])>();
        await Chunker.ChunkAsync(new MemoryStream(data), options, (id, bytes) =>
        {
            chunks.Add((id, bytes.ToArray()));
            return ValueTask.CompletedTask;
        });
        return chunks;
    }

    public static List<int> Sizes(byte[] data, ChunkerOptions options)
    {
        var cdc = new FastCdc(options);
        var sizes = new List<int>();
        for (var offset = 0; offset < data.Length;)
        {
            var size = cdc.NextBoundary(data.AsSpan(offset));
            sizes.Add(size);
            offset += size;
        }
        return sizes;
    }
}
