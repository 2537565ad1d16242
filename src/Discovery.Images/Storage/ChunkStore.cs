using ZstdSharp;

namespace Discovery.Images;

/// <summary>
/// A site's chunk store: one zstd-compressed file per chunk at <c>&lt;directory&gt;/&lt;first 2 hex&gt;/&lt;hex&gt;.zst</c>,
/// named by the hash of its uncompressed content. Writes go to a temporary file that is renamed into place, so a reader
/// never sees a partial chunk and a failed write leaves nothing behind; every read decompresses and checks the hash.
/// Safe to use from several threads and processes at once: two writers of one chunk write the same bytes.
/// </summary>
/// <remarks>
/// Writes are not fsync'ed: a chunk torn by a power cut is caught by the hash check on read (as
/// <see cref="ChunkCorruptException"/>), and the chunk can be deleted and fetched again; syncing every 64 KiB chunk would
/// cost more than the import itself.
/// </remarks>
public sealed class ChunkStore
{
    /// <summary>zstd level 3, zstd's default: about 3x on OS images at several hundred MB/s per core.</summary>
    public const int CompressionLevel = 3;

    private const string Extension = ".zst";
    private const string TempExtension = ".tmp";

    [ThreadStatic] private static Compressor? t_compressor;
    [ThreadStatic] private static Decompressor? t_decompressor;

    private readonly ChunkCipher? _cipher;

    /// <summary>
    /// Opens (and creates if needed) the store in <paramref name="directory"/>; with a <paramref name="cipher"/>, its
    /// files are sealed at rest. Files written before the cipher was given are still read, and sealed when first read.
    /// </summary>
    public ChunkStore(string directory, ChunkCipher? cipher = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        _cipher = cipher;
    }

    /// <summary>The store's root directory (absolute).</summary>
    public string Directory { get; }

    /// <summary>Whether the store seals what it writes (<see cref="ChunkCipher"/>).</summary>
    public bool EncryptsAtRest => _cipher is not null;

    /// <summary>Compresses and stores a chunk. Returns false when the chunk was already present.</summary>
    /// <exception cref="ArgumentException"><paramref name="content"/> does not hash to <paramref name="id"/>.</exception>
    public async Task<bool> PutAsync(ChunkId id, ReadOnlyMemory<byte> content, CancellationToken ct = default)
    {
        if (!id.Matches(content.Span))
            throw new ArgumentException($"chunk content ({content.Length} bytes) hashes to {ChunkId.Of(content.Span)}, not to its id {id}", nameof(content));
        return await PutHashedAsync(id, content, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="PutAsync"/> for content whose id the caller has just computed from these very bytes (the chunker):
    /// hashing twice would cost a third of an import.
    /// </summary>
    internal async Task<bool> PutHashedAsync(ChunkId id, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        if (Contains(id))
            return false;
        return await WriteAsync(id, Compress(content.Span), ct).ConfigureAwait(false);
    }

    /// <summary>Reads, decompresses and verifies a chunk.</summary>
    /// <exception cref="ChunkMissingException">The chunk is not in the store.</exception>
    /// <exception cref="ChunkCorruptException">The file does not decompress or does not hash to <paramref name="id"/>.</exception>
    public async Task<byte[]> GetAsync(ChunkId id, CancellationToken ct = default)
    {
        var compressed = await ReadAsync(id, ct).ConfigureAwait(false)
            ?? throw new ChunkMissingException(id, $"chunk {id} is not in the store {Directory}");
        return Verify(id, compressed, $"the store {Directory}");
    }

    /// <summary>
    /// The chunk's compressed file as stored, after checking that it decompresses to the right content, or null when the
    /// chunk is absent; for sending chunks to another site without recompressing them.
    /// </summary>
    /// <exception cref="ChunkCorruptException">The file does not decompress or does not hash to <paramref name="id"/>.</exception>
    public async Task<byte[]?> TryGetCompressedAsync(ChunkId id, CancellationToken ct = default)
    {
        var compressed = await ReadAsync(id, ct).ConfigureAwait(false);
        if (compressed is not null)
            Verify(id, compressed, $"the store {Directory}");
        return compressed;
    }

    /// <summary>Stores a chunk received compressed (from <see cref="TryGetCompressedAsync"/>), after verifying it.</summary>
    /// <exception cref="ChunkCorruptException"><paramref name="compressed"/> does not decompress to content hashing to <paramref name="id"/>.</exception>
    public async Task PutCompressedAsync(ChunkId id, byte[] compressed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        Verify(id, compressed, "the received bytes");
        if (!Contains(id))
            await WriteAsync(id, compressed, ct).ConfigureAwait(false);
    }

    /// <summary>Whether the chunk's file exists (its content is checked only when read).</summary>
    public bool Contains(ChunkId id) => File.Exists(PathOf(id));

    /// <summary>Deletes a chunk; returns false when it was not there.</summary>
    public bool Delete(ChunkId id)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
            return false;
        File.Delete(path);
        return true;
    }

    /// <summary>The ids of the chunks in the store, in no particular order.</summary>
    public IEnumerable<ChunkId> List()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension, SearchOption.AllDirectories))
        {
            if (ChunkId.TryParse(Path.GetFileNameWithoutExtension(file), out var id))
                yield return id;
        }
    }

    /// <summary>The total size of the stored chunk files, in bytes (compressed).</summary>
    public long BytesOnDisk() =>
        new DirectoryInfo(Directory).EnumerateFiles("*" + Extension, SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>Where a chunk's file is: <c>&lt;directory&gt;/&lt;first 2 hex&gt;/&lt;hex&gt;.zst</c>.</summary>
    public string PathOf(ChunkId id)
    {
        if (!ChunkId.TryParse(id.Hex, out var valid))
            throw new ArgumentException($"not a chunk id: '{id.Hex}'", nameof(id));
        return Path.Combine(Directory, valid.Hex[..2], valid.Hex + Extension);
    }

    /// <summary>Writes to a unique temporary file beside the target, then renames it into place.</summary>
    private async Task<bool> WriteAsync(ChunkId id, ReadOnlyMemory<byte> compressed, CancellationToken ct)
    {
        var path = PathOf(id);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}{TempExtension}";
        try
        {
            var bytes = _cipher is null ? compressed : _cipher.Seal(id, compressed.Span);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: false))
                await file.WriteAsync(bytes, ct).ConfigureAwait(false);
            File.Move(temp, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return false; // another writer stored the same chunk first
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    // The stored (compressed) bytes: opened when sealed. A plain file in a sealing store predates its key: it is
    // checked and sealed in place (a rename, as any write), so turning encryption on encrypts a store as it is read.
    private async Task<byte[]?> ReadAsync(ChunkId id, CancellationToken ct)
    {
        byte[] file;
        try
        {
            file = await File.ReadAllBytesAsync(PathOf(id), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (_cipher is null)
            return ChunkCipher.IsSealed(file)
                ? throw new ChunkCorruptException(id, $"chunk {id} in the store {Directory} is sealed, and this store has no key to open it (give the silo the operator's chunk key)")
                : file;
        if (ChunkCipher.IsSealed(file))
            return _cipher.Open(id, file, $"the store {Directory}");
        Verify(id, file, $"the store {Directory}");
        await SealInPlaceAsync(id, file, ct).ConfigureAwait(false);
        return file;
    }

    private async Task SealInPlaceAsync(ChunkId id, byte[] plain, CancellationToken ct)
    {
        var path = PathOf(id);
        var temp = $"{path}.{Guid.NewGuid():N}{TempExtension}";
        try
        {
            await File.WriteAllBytesAsync(temp, _cipher!.Seal(id, plain), ct).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static byte[] Compress(ReadOnlySpan<byte> content)
    {
        var compressor = t_compressor ??= new Compressor(CompressionLevel);
        return compressor.Wrap(content).ToArray();
    }

    /// <summary>Decompresses and checks the hash; throws <see cref="ChunkCorruptException"/> naming where the bytes came from.</summary>
    private static byte[] Verify(ChunkId id, byte[] compressed, string source)
    {
        byte[] content;
        try
        {
            var size = Decompressor.GetDecompressedSize(compressed);
            if (size > ChunkerOptions.MaxSupportedSize)
                throw new ChunkCorruptException(id, $"chunk {id} in {source} claims {size} bytes, more than any chunk ({ChunkerOptions.MaxSupportedSize})");
            content = new byte[size];
            var decompressor = t_decompressor ??= new Decompressor();
            var written = decompressor.Unwrap(compressed, content);
            if (written != content.Length)
                throw new ChunkCorruptException(id, $"chunk {id} in {source} decompresses to {written} bytes, its header says {size}");
        }
        catch (ZstdException e)
        {
            throw new ChunkCorruptException(id, $"chunk {id} in {source} is not a valid zstd frame ({compressed.Length} bytes): {e.Message}");
        }
        if (!id.Matches(content))
            throw new ChunkCorruptException(id, $"chunk {id} in {source} decompresses to content hashing to {ChunkId.Of(content)}");
        return content;
    }
}
