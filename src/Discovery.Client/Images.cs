using Discovery.Abstractions.Images;
using Discovery.Abstractions.Sites;
using Discovery.Images;

namespace Discovery.Client;

/// <summary>
/// VM images: import a file as content-defined chunks (only chunks the cluster lacks are sent), list, show dedup and
/// replicas, delete. VE specs name images; a VM's node pulls its image from the nearest replicas when it starts.
/// </summary>
public sealed class Images
{
    private const int Batch = 64;
    private readonly IClusterClient _grains;
    private readonly Calls _calls;
    private readonly Func<string?> _site;

    internal Images(IClusterClient grains, Calls calls, Func<string?> site) => (_grains, _calls, _site) = (grains, calls, site);

    /// <summary>Imports the file at <paramref name="path"/> (raw, qcow2 or tar) as image <paramref name="name"/>.</summary>
    public async Task<ImageDetails> ImportFileAsync(string name, string path, string owner, IProgress<ImageImportProgress>? progress = null, long? bootBytes = null, CancellationToken cancellationToken = default)
    {
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read image file '{path}': {e.Message}", nameof(path), e);
        }
        await using (file)
            return await ImportAsync(name, file, Path.GetFileName(path), owner, progress, bootBytes, cancellationToken);
    }

    /// <summary>
    /// Imports <paramref name="content"/> as image <paramref name="name"/>; <paramref name="fileName"/> helps tell the
    /// format. Chunks the cluster already holds are not sent again. Throws <see cref="ArgumentException"/> for an
    /// empty or unrecognised file and <see cref="ImageOperationException"/> when the name is taken; a failed import
    /// leaves no image behind. Boot is taken to need the first <paramref name="bootBytes"/> (default
    /// <see cref="BootBytes"/>): those chunks reach a VM's node first.
    /// </summary>
    public async Task<ImageDetails> ImportAsync(string name, Stream content, string fileName, string owner, IProgress<ImageImportProgress>? progress = null, long? bootBytes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var image = _grains.GetGrain<IImageGrain>(name);
        if (await _calls.RunAsync($"info of image {name}", image.GetInfoAsync, cancellationToken) is not null)
            throw new ImageOperationException($"image name '{name}' is taken; choose another name or delete it first");
        var site = _site() ?? (await _calls.RunAsync("list of sites", () => _grains.GetGrain<IClusterOverviewGrain>(0).GetSitesAsync(), cancellationToken))
            .FirstOrDefault(s => s.IsUp)?.Name ?? throw new ImageOperationException("no site is up to take the image");
        var store = _grains.GetGrain<ISiteChunkStoreGrain>(site);

        var (head, rest) = await ReadHeadAsync(content, cancellationToken);
        ImageFormat format;
        try
        {
            format = ImageFormats.Detect(head, fileName);
        }
        catch (UnknownImageFormatException e)
        {
            throw new ArgumentException(e.Message, nameof(fileName), e);
        }

        var pending = new List<(string Id, byte[] Compressed)>();
        var counts = new ImageImportProgress(0, 0, 0);
        using var compressor = new ZstdSharp.Compressor(3);
        async Task FlushAsync()
        {
            var missing = (await _calls.RunAsync("chunk lookup", () => store.MissingForAsync(owner, pending.Select(p => p.Id).ToList()), cancellationToken)).ToHashSet();
            foreach (var (id, compressed) in pending.Where(p => missing.Contains(p.Id)).DistinctBy(p => p.Id))
                await _calls.RunAsync($"upload of chunk {id}", () => store.PutForAsync(owner, id, compressed), cancellationToken);
            counts = counts with { ChunksSent = counts.ChunksSent + missing.Count, ChunksReused = counts.ChunksReused + pending.Count - missing.Count };
            progress?.Report(counts);
            pending.Clear();
        }
        IReadOnlyList<ChunkRef> chunks;
        try
        {
            chunks = await Chunker.ChunkAsync(new HeadThenRest(head, rest), new ChunkerOptions(), async (id, bytes) =>
            {
                pending.Add((id.Hex, compressor.Wrap(bytes.Span).ToArray()));
                counts = counts with { BytesRead = counts.BytesRead + bytes.Length };
                if (pending.Count >= Batch)
                    await FlushAsync();
            }, cancellationToken: cancellationToken);
            await FlushAsync();
        }
        catch (EmptyImageException e)
        {
            throw new ArgumentException($"image file '{fileName}' is empty: {e.Message}", nameof(content), e);
        }
        catch (IOException e)
        {
            // Nothing is committed: the chunks sent so far belong to no image, and no image record exists.
            throw new ImageOperationException($"reading image file '{fileName}' failed after {counts.BytesRead} bytes: {e.Message}; no image '{name}' was created");
        }
        var refs = chunks.Select(c => new ChunkEntry(c.Id.Hex, c.Size)).ToList();
        var manifest = new ImageManifestInfo(refs, chunks.Sum(c => (long)c.Size), format.ToString().ToLowerInvariant(),
            ImageManifest.FirstBytes(chunks, bootBytes ?? BootBytes));
        return await _calls.RunAsync($"commit of image {name}", () => image.CommitAsync(manifest, owner, site), cancellationToken);
    }

    /// <summary>Without a recorded boot profile, the chunks of the first 16 MiB are what boot needs first.</summary>
    public const long BootBytes = 16L << 20;

    /// <summary>Every imported image with its dedup and replicas.</summary>
    public async Task<IReadOnlyList<ImageDetails>> ListAsync(CancellationToken cancellationToken = default)
    {
        var names = await _calls.RunAsync("list of images", () => _grains.GetGrain<IImageDirectoryGrain>(0).ListAsync(), cancellationToken);
        var details = await Task.WhenAll(names.Select(n => _calls.RunAsync($"image {n}", () => _grains.GetGrain<IImageGrain>(n).GetDetailsAsync(), cancellationToken)));
        return details.OfType<ImageDetails>().ToList();
    }

    /// <summary>One image's size, dedup and replicas; <see cref="NotFoundException"/> (with close names) when there is none.</summary>
    public async Task<ImageDetails> ShowAsync(string name, CancellationToken cancellationToken = default) =>
        await _calls.RunAsync($"image {name}", () => _grains.GetGrain<IImageGrain>(name).GetDetailsAsync(), cancellationToken)
        ?? throw new NotFoundException($"there is no image '{name}'{Suggestions.DidYouMean(name, await _calls.RunAsync("list of images", () => _grains.GetGrain<IImageDirectoryGrain>(0).ListAsync(), cancellationToken))}");

    /// <summary>Deletes an image; chunks no other image uses leave every store.</summary>
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        await ShowAsync(name, cancellationToken);
        await _calls.RunAsync($"delete of image {name}", () => _grains.GetGrain<IImageGrain>(name).DeleteAsync(), cancellationToken);
    }

    // Reads enough of the start to tell the format (a tar header ends at byte 512) without needing a seekable stream.
    private static async Task<(byte[] Head, Stream Remainder)> ReadHeadAsync(Stream content, CancellationToken cancellationToken)
    {
        var head = new byte[512];
        var read = 0;
        while (read < head.Length)
        {
            var n = await content.ReadAsync(head.AsMemory(read), cancellationToken);
            if (n == 0)
                break;
            read += n;
        }
        return (head[..read], content);
    }

    // The bytes already read for format detection, then the rest of the stream.
    private sealed class HeadThenRest(byte[] head, Stream rest) : Stream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < head.Length)
            {
                var n = Math.Min(buffer.Length, head.Length - _position);
                head.AsMemory(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }
            return await rest.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>How far an import is.</summary>
/// <param name="BytesRead">Bytes of the file chunked so far.</param>
/// <param name="ChunksSent">Chunks the cluster lacked and was sent.</param>
/// <param name="ChunksReused">Chunks the cluster already had (deduplicated).</param>
public sealed record ImageImportProgress(long BytesRead, int ChunksSent, int ChunksReused);
