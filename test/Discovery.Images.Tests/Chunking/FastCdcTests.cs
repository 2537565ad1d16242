using CsCheck;

namespace Discovery.Images.Tests.Chunking;

public sealed class FastCdcTests
{
    [Fact]
    public void Chunk_sizes_respect_min_and_max_and_average_near_the_option_on_random_data()
    {
        var data = TestData.Random(4 * 1024 * 1024, seed: 1);
        var sizes = TestData.Sizes(data, TestData.Small);

        Assert.All(sizes[..^1], size => Assert.InRange(size, TestData.Small.MinSize, TestData.Small.MaxSize));
        Assert.InRange(sizes[^1], 1, TestData.Small.MaxSize);
        Assert.InRange(sizes.Average(), 0.9 * TestData.Small.AverageSize, 1.1 * TestData.Small.AverageSize);
    }

    [Fact]
    public void Default_options_give_an_average_near_64_KiB()
    {
        var data = TestData.Random(16 * 1024 * 1024, seed: 2);
        var sizes = TestData.Sizes(data, new ChunkerOptions());

        Assert.InRange(sizes.Average(), 0.93 * 64 * 1024, 1.07 * 64 * 1024);
    }

    [Fact]
    public void A_boundary_is_forced_at_max_size_when_content_gives_none()
    {
        var zeros = new byte[100 * 1024];
        var sizes = TestData.Sizes(zeros, TestData.Small);

        Assert.All(sizes[..^1], size => Assert.Equal(TestData.Small.MaxSize, size));
        Assert.Equal(zeros.Length, sizes.Sum());
    }

    [Fact]
    public void A_span_shorter_than_min_size_is_one_last_chunk()
    {
        var cdc = new FastCdc(TestData.Small);

        Assert.Equal(700, cdc.NextBoundary(TestData.Random(700, seed: 3)));
        Assert.Equal(0, cdc.NextBoundary([]));
    }

    [Fact]
    public void Boundaries_are_stable_under_an_insertion_only_chunks_near_the_edit_change()
    {
        var original = TestData.Random(1024 * 1024, seed: 4);
        var edited = original[..500_000].Concat(TestData.Random(100, seed: 5)).Concat(original[500_000..]).ToArray();

        var before = Ids(original);
        var after = Ids(edited);

        var changed = after.Except(before).Count();
        Assert.InRange(changed, 1, 3);
        Assert.InRange(before.Except(after).Count(), 1, 3);
        Assert.True(before.Count > 100, $"expected many chunks, got {before.Count}");
    }

    [Fact]
    public void Boundaries_resynchronise_after_a_prefix_is_removed()
    {
        // The cut decision depends only on the 64 bytes before it, so chunking from any offset finds the same later cuts.
        Gen.Int[0, 50_000].Sample(skip =>
        {
            var data = TestData.Random(300_000, seed: 6);
            var full = Cuts(data, 0);
            var fromOffset = Cuts(data[skip..], skip);
            return full.Intersect(fromOffset).Count() >= full.Count(c => c > skip + 40_000);
        }, iter: 30);
    }

    [Fact]
    public void Chunks_concatenate_to_the_input_for_any_content()
    {
        Gen.Byte.Array[0, 100_000].Sample(data => TestData.Sizes(data, TestData.Small).Sum() == data.Length, iter: 50);
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_bad_value()
    {
        var error = Assert.Throws<ArgumentException>(() => new FastCdc(new ChunkerOptions { AverageSize = 60_000 }));
        Assert.Contains("60000", error.Message);
        Assert.Contains("MaxSize", new ChunkerOptions { MaxSize = 1024 }.Validate());
        Assert.Contains("MinSize", new ChunkerOptions { MinSize = 64 * 1024 }.Validate());
        Assert.Null(new ChunkerOptions().Validate());
    }

    [Fact]
    public void The_normalization_point_of_the_default_options_never_changes()
    {
        // Golden value: the chunk format depends on it, a change would change every chunk id.
        Assert.Equal(40_320, FastCdc.NormalizationPoint(new ChunkerOptions(), 17, 15));
    }

    [Fact]
    public void Masks_have_the_requested_number_of_bits()
    {
        for (var bits = 6; bits <= 30; bits++)
            Assert.Equal(bits, System.Numerics.BitOperations.PopCount(FastCdc.Mask(bits)));
    }

    private static HashSet<string> Ids(byte[] data)
    {
        var cdc = new FastCdc(TestData.Small);
        var ids = new HashSet<string>();
        for (var offset = 0; offset < data.Length;)
        {
            var size = cdc.NextBoundary(data.AsSpan(offset));
            ids.Add(ChunkId.Of(data.AsSpan(offset, size)).Hex);
            offset += size;
        }
        return ids;
    }

    private static HashSet<int> Cuts(byte[] data, int origin)
    {
        var cuts = new HashSet<int>();
        var offset = 0;
        foreach (var size in TestData.Sizes(data, TestData.Small))
            cuts.Add(origin + (offset += size));
        return cuts;
    }
}
