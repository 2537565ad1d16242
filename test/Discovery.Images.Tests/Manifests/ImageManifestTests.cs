namespace Discovery.Images.Tests.Manifests;

public sealed class ImageManifestTests
{
    private static readonly ChunkRef[] Chunks =
        [Ref(1, 100), Ref(2, 50), Ref(3, 200), Ref(4, 10)];

    [Theory]
    [InlineData(0, new int[0])]
    [InlineData(1, new[] { 0 })]
    [InlineData(100, new[] { 0 })]
    [InlineData(101, new[] { 0, 1 })]
    [InlineData(150, new[] { 0, 1 })]
    [InlineData(151, new[] { 0, 1, 2 })]
    [InlineData(1_000_000, new[] { 0, 1, 2, 3 })]
    public void FirstBytes_gives_the_chunks_covering_the_first_bytes(long bytes, int[] expected)
    {
        Assert.Equal(expected, ManifestFirstBytes(bytes));
    }

    [Fact]
    public void FirstBytes_refuses_a_negative_count()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageManifest.FirstBytes(Chunks, -1));
    }

    [Fact]
    public void Create_sums_the_size_and_uses_the_first_bytes_profile()
    {
        var manifest = ImageManifest.Create(Chunks, ImageFormat.Raw, bootBytes: 120);

        Assert.Equal(360, manifest.Size);
        Assert.Equal([0, 1], manifest.BootChunks);
    }

    private static IReadOnlyList<int> ManifestFirstBytes(long bytes) => ImageManifest.FirstBytes(Chunks, bytes);

    private static ChunkRef Ref(byte seed, int size) => new(ChunkId.Of([seed]), size);
}

public sealed class ImageImportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "discovery-images-tests", Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task An_import_stores_every_chunk_and_a_manifest_that_rebuilds_the_image()
    {
        var store = new ChunkStore(_directory);
        var image = TestData.Random(200_000, seed: 20);

        var manifest = await ImageImport.ImportAsync(new MemoryStream(image), "disk.img", store, TestData.Small, bootBytes: 10_000);

        Assert.Equal(ImageFormat.Raw, manifest.Format);
        Assert.Equal(image.Length, manifest.Size);
        Assert.Equal(ImageManifest.FirstBytes(manifest.Chunks, 10_000), manifest.BootChunks);
        Assert.NotEmpty(manifest.BootChunks);
        var rebuilt = new List<byte>();
        foreach (var chunk in manifest.Chunks)
            rebuilt.AddRange(await store.GetAsync(chunk.Id));
        Assert.Equal(image, rebuilt.ToArray());
    }

    [Fact]
    public async Task An_unknown_format_stores_nothing()
    {
        var store = new ChunkStore(_directory);

        await Assert.ThrowsAsync<UnknownImageFormatException>(() =>
            ImageImport.ImportAsync(new MemoryStream(TestData.Random(50_000, seed: 21)), "disk.vmdk", store, TestData.Small, 0));

        Assert.Empty(store.List());
    }
}
