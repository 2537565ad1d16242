namespace Discovery.Images.Tests.Storage;

public sealed class ChunkStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "discovery-images-tests", Guid.NewGuid().ToString("N"));
    private readonly ChunkStore _store;

    public ChunkStoreTests() => _store = new ChunkStore(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_chunk_round_trips_compressed_at_the_documented_path()
    {
        var (id, content) = Chunk(seed: 1);

        Assert.True(await _store.PutAsync(id, content));

        Assert.Equal(content, await _store.GetAsync(id));
        Assert.True(File.Exists(Path.Combine(_directory, id.Hex[..2], id.Hex + ".zst")));
        Assert.True(_store.Contains(id));
        Assert.Equal([id], _store.List());
    }

    [Fact]
    public async Task Putting_a_chunk_twice_is_idempotent()
    {
        var (id, content) = Chunk(seed: 2);

        Assert.True(await _store.PutAsync(id, content));
        var size = _store.BytesOnDisk();
        Assert.False(await _store.PutAsync(id, content));

        Assert.Equal(size, _store.BytesOnDisk());
        Assert.Single(_store.List());
    }

    [Fact]
    public async Task Compressible_chunks_take_less_space_on_disk()
    {
        var content = new byte[64 * 1024];
        await _store.PutAsync(ChunkId.Of(content), content);

        Assert.InRange(_store.BytesOnDisk(), 1, 1024);
    }

    [Fact]
    public async Task Content_that_does_not_match_its_id_is_refused()
    {
        var (id, _) = Chunk(seed: 3);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync(id, TestData.Random(100, seed: 4)));
        Assert.Contains(id.Hex, error.Message);
        Assert.False(_store.Contains(id));
    }

    [Fact]
    public async Task A_flipped_byte_in_the_file_is_detected()
    {
        var (id, content) = Chunk(seed: 5);
        await _store.PutAsync(id, content);
        var path = _store.PathOf(id);
        var bytes = await File.ReadAllBytesAsync(path);

        // Every byte of the frame matters: header, compressed data or checksum, a flip is never returned as content.
        for (var position = 0; position < bytes.Length; position += Math.Max(1, bytes.Length / 40))
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[position] ^= 0x20;
            await File.WriteAllBytesAsync(path, corrupt);

            var error = await Assert.ThrowsAsync<ChunkCorruptException>(() => _store.GetAsync(id));
            Assert.Equal(id, error.Id);
            Assert.Contains(id.Hex, error.Message);
            await Assert.ThrowsAsync<ChunkCorruptException>(() => _store.TryGetCompressedAsync(id));
        }
    }

    [Fact]
    public async Task A_missing_chunk_throws_ChunkMissingException()
    {
        var (id, content) = Chunk(seed: 6);

        var error = await Assert.ThrowsAsync<ChunkMissingException>(() => _store.GetAsync(id));
        Assert.Equal(id, error.Id);
        Assert.Null(await _store.TryGetCompressedAsync(id));

        await _store.PutAsync(id, content);
        Assert.True(_store.Delete(id));
        Assert.False(_store.Delete(id));
        await Assert.ThrowsAsync<ChunkMissingException>(() => _store.GetAsync(id));
    }

    [Fact]
    public async Task A_failed_write_leaves_no_partial_file()
    {
        var (id, content) = Chunk(seed: 7);
        // A directory where the chunk's file should go makes the final rename fail after the data was written.
        Directory.CreateDirectory(_store.PathOf(id));

        await Assert.ThrowsAnyAsync<IOException>(() => _store.PutAsync(id, content));

        Assert.Empty(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories));
        Assert.Empty(_store.List());
    }

    [Fact]
    public async Task A_cancelled_write_leaves_no_partial_file()
    {
        var (id, content) = Chunk(seed: 8);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.PutAsync(id, content, cancel.Token));

        Assert.Empty(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Compressed_chunks_move_between_stores_and_are_verified_on_arrival()
    {
        var (id, content) = Chunk(seed: 9);
        await _store.PutAsync(id, content);
        var other = new ChunkStore(Path.Combine(_directory, "other"));

        var compressed = await _store.TryGetCompressedAsync(id);
        await other.PutCompressedAsync(id, compressed!);
        Assert.Equal(content, await other.GetAsync(id));

        var (otherId, _) = Chunk(seed: 10);
        await Assert.ThrowsAsync<ChunkCorruptException>(() => other.PutCompressedAsync(otherId, compressed!));
        await Assert.ThrowsAsync<ChunkCorruptException>(() => other.PutCompressedAsync(otherId, [1, 2, 3]));
        Assert.False(other.Contains(otherId));
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_chunk_store_it_once()
    {
        var (id, content) = Chunk(seed: 11);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _store.PutAsync(id, content))));

        Assert.True(results.Count(stored => stored) >= 1);
        Assert.Equal(content, await _store.GetAsync(id));
        Assert.Single(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories));
    }

    private static (ChunkId Id, byte[] Content) Chunk(int seed)
    {
        // Half random, half zeros: compressible but not trivially.
        var content = TestData.Random(32 * 1024, seed).Concat(new byte[32 * 1024]).ToArray();
        return (ChunkId.Of(content), content);
    }
}
