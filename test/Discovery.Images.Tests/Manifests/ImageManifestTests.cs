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
