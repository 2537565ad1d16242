using System.Security.Cryptography;

namespace Discovery.Images.Tests.Storage;

/// <summary>Chunk stores that seal their files at rest under the operator's key.</summary>
public sealed class ChunkCipherTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "discovery-images-tests", Guid.NewGuid().ToString("N"));
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(ChunkCipher.KeyBytes);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private ChunkStore Store(string scope = "tenant/acme", byte[]? key = null) => new(_directory, new ChunkCipher(key ?? _key, scope));

    [Fact]
    public async Task A_sealed_store_round_trips_and_its_files_hold_no_plain_content()
    {
        var store = Store();
        var (id, content) = Chunk(seed: 1);

        await store.PutAsync(id, content);
        var file = await File.ReadAllBytesAsync(store.PathOf(id));

        Assert.Equal(content, await store.GetAsync(id));
        Assert.True(ChunkCipher.IsSealed(file));
        // The random half of the chunk would appear as is in a plain zstd file (it does not compress).
        Assert.Equal(-1, file.AsSpan().IndexOf(content.AsSpan(100, 64)));
        Assert.Equal(content, await new ChunkStore(_directory, new ChunkCipher(_key, "tenant/acme")).GetAsync(id)); // a restarted silo reads it
    }

    [Fact]
    public async Task Another_scopes_key_or_another_operator_key_does_not_open_a_file()
    {
        var (id, content) = Chunk(seed: 2);
        await Store().PutAsync(id, content);

        var otherScope = await Assert.ThrowsAsync<ChunkCorruptException>(() => Store("tenant/globex").GetAsync(id));
        var otherKey = await Assert.ThrowsAsync<ChunkCorruptException>(() => Store(key: RandomNumberGenerator.GetBytes(32)).GetAsync(id));
        var noKey = await Assert.ThrowsAsync<ChunkCorruptException>(() => new ChunkStore(_directory).GetAsync(id));

        Assert.Contains("does not open with the key of scope 'tenant/globex'", otherScope.Message);
        Assert.Contains("does not open", otherKey.Message);
        Assert.Contains("sealed, and this store has no key", noKey.Message);
    }

    [Fact]
    public async Task A_sealed_file_moved_over_another_chunks_file_or_altered_does_not_open()
    {
        var store = Store();
        var (a, contentA) = Chunk(seed: 3);
        var (b, contentB) = Chunk(seed: 4);
        await store.PutAsync(a, contentA);
        await store.PutAsync(b, contentB);

        File.Copy(store.PathOf(a), store.PathOf(b), overwrite: true);
        var swapped = await Assert.ThrowsAsync<ChunkCorruptException>(() => store.GetAsync(b));
        var bytes = await File.ReadAllBytesAsync(store.PathOf(a));
        bytes[^1] ^= 1;
        await File.WriteAllBytesAsync(store.PathOf(a), bytes);
        var altered = await Assert.ThrowsAsync<ChunkCorruptException>(() => store.GetAsync(a));

        Assert.Contains($"chunk {b}", swapped.Message);
        Assert.Contains($"chunk {a}", altered.Message);
    }

    [Fact]
    public async Task Plain_files_written_before_the_key_was_given_are_read_and_sealed_in_place()
    {
        var (id, content) = Chunk(seed: 5);
        await new ChunkStore(_directory).PutAsync(id, content);
        var store = Store();

        Assert.Equal(content, await store.GetAsync(id));
        Assert.True(ChunkCipher.IsSealed(await File.ReadAllBytesAsync(store.PathOf(id))));
        Assert.Equal(content, await store.GetAsync(id));
        Assert.Empty(Directory.EnumerateFiles(_directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Compressed_transfers_between_sites_stay_plain_zstd_and_are_sealed_on_arrival()
    {
        var (id, content) = Chunk(seed: 6);
        var source = Store();
        await source.PutAsync(id, content);
        var target = new ChunkStore(Path.Combine(_directory, "other-site"), new ChunkCipher(_key, "tenant/acme"));

        var wire = await source.TryGetCompressedAsync(id);
        await target.PutCompressedAsync(id, wire!);

        Assert.False(ChunkCipher.IsSealed(wire));
        Assert.True(ChunkCipher.IsSealed(await File.ReadAllBytesAsync(target.PathOf(id))));
        Assert.Equal(content, await target.GetAsync(id));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Key_files_must_be_32_bytes_raw_or_base64_and_private_to_their_owner()
    {
        Directory.CreateDirectory(_directory);
        string Write(string name, byte[] bytes, UnixFileMode mode)
        {
            var path = Path.Combine(_directory, name);
            File.WriteAllBytes(path, bytes);
            File.SetUnixFileMode(path, mode);
            return path;
        }
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

        Assert.Equal(_key, ChunkCipher.ReadKeyFile(Write("raw", _key, Private)));
        Assert.Equal(_key, ChunkCipher.ReadKeyFile(Write("b64", System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(_key) + "\n"), Private)));
        var shared = Assert.Throws<InvalidOperationException>(() => ChunkCipher.ReadKeyFile(Write("shared", _key, Private | UnixFileMode.GroupRead)));
        var short_ = Assert.Throws<InvalidOperationException>(() => ChunkCipher.ReadKeyFile(Write("short", new byte[16], Private)));
        var missing = Assert.Throws<InvalidOperationException>(() => ChunkCipher.ReadKeyFile(Path.Combine(_directory, "none")));

        Assert.Contains("chmod 600", shared.Message);
        Assert.Contains("holds 16 bytes: it must hold 32 random bytes", short_.Message);
        Assert.Contains("does not exist", missing.Message);
    }

    private static (ChunkId Id, byte[] Content) Chunk(int seed)
    {
        var content = TestData.Random(32 * 1024, seed).Concat(new byte[32 * 1024]).ToArray();
        return (ChunkId.Of(content), content);
    }
}
