namespace Discovery.Images.Tests.Chunking;

public sealed class ChunkerTests
{
    [Fact]
    public async Task Chunks_are_in_order_concatenate_to_the_input_and_match_their_refs()
    {
        var data = TestData.Random(700_000, seed: 10);
        var seen = new List<(ChunkId Id, byte[] Bytes)>();
        long lastProgress = 0;

        var refs = await Chunker.ChunkAsync(new MemoryStream(data), TestData.Small, (id, bytes) =>
        {
            seen.Add((id, bytes.ToArray()));
            return ValueTask.CompletedTask;
        }, new SyncProgress(n => lastProgress = n));

        Assert.Equal(data, seen.SelectMany(c => c.Bytes).ToArray());
        Assert.Equal(refs.Select(r => r.Id), seen.Select(c => c.Id));
        Assert.Equal(refs.Select(r => r.Size), seen.Select(c => c.Bytes.Length));
        Assert.All(seen, c => Assert.Equal(ChunkId.Of(c.Bytes), c.Id));
        Assert.Equal(data.Length, lastProgress);
    }

    [Fact]
    public async Task Chunking_a_stream_read_in_small_pieces_gives_the_same_chunks()
    {
        var data = TestData.Random(300_000, seed: 11);

        var whole = await TestData.ChunkAsync(data, TestData.Small);
        var trickled = new List<ChunkId>();
        await Chunker.ChunkAsync(new TrickleStream(data, 777), TestData.Small, (id, _) =>
        {
            trickled.Add(id);
            return ValueTask.CompletedTask;
        });

        Assert.Equal(whole.Select(c => c.Id), trickled);
    }

    [Fact]
    public async Task Identical_content_gives_identical_ids_and_different_content_different_ids()
    {
        var block = TestData.Random(200_000, seed: 12);
        var twice = block.Concat(block).ToArray();

        var chunks = await TestData.ChunkAsync(twice, TestData.Small);
        var ids = chunks.Select(c => c.Id).ToList();

        // The second copy resynchronises after its first chunk and repeats the first copy's chunks.
        Assert.True(ids.Distinct().Count() < ids.Count * 0.6, $"{ids.Distinct().Count()} distinct of {ids.Count}");
        var distinctContent = chunks.DistinctBy(c => Convert.ToHexString(c.Bytes)).Count();
        Assert.Equal(distinctContent, ids.Distinct().Count());
    }

    [Fact]
    public void Chunk_ids_are_lowercase_blake3_and_parse_round_trips()
    {
        var id = ChunkId.Of("abc"u8);

        // The BLAKE3 test vector for "abc".
        Assert.Equal("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85", id.ToString());
        Assert.Equal(id, ChunkId.Parse(id.Hex.ToUpperInvariant()));
        Assert.NotEqual(id, ChunkId.Of("abd"u8));
        var error = Assert.Throws<FormatException>(() => ChunkId.Parse("xyz"));
        Assert.Contains("'xyz'", error.Message);
    }

    [Fact]
    public async Task An_empty_stream_throws_EmptyImageException()
    {
        var error = await Assert.ThrowsAsync<EmptyImageException>(() =>
            Chunker.ChunkAsync(new MemoryStream(), new ChunkerOptions(), (_, _) => ValueTask.CompletedTask));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public async Task Cancellation_stops_chunking()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Chunker.ChunkAsync(
            new MemoryStream(TestData.Random(1000, seed: 13)), TestData.Small, (_, _) => ValueTask.CompletedTask, null, cancel.Token));
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>Returns at most <c>piece</c> bytes per read, as a network stream does.</summary>
    private sealed class TrickleStream(byte[] data, int piece) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, piece));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);
    }
}
