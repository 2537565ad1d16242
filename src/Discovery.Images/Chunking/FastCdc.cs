using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Discovery.Images;

/// <summary>
/// FastCDC content-defined chunking (Xia et al., "FastCDC: a Fast and Efficient Content-Defined Chunking Approach for
/// Data Deduplication", USENIX ATC'16): a gear rolling hash, cut-point skipping up to <see cref="ChunkerOptions.MinSize"/>
/// and normalized chunking level 2 (a mask with two more bits before <see cref="ChunkerOptions.AverageSize"/>, two fewer
/// after), which narrows the size distribution around the average.
/// </summary>
/// <remarks>
/// Boundaries depend only on content: the gear hash forgets a byte 64 positions later, and the hash is warmed up on the 64
/// bytes before <see cref="ChunkerOptions.MinSize"/>, so the decision at a position depends on the 64 bytes before it and
/// not on where the chunk started. The gear table and the masks are part of the chunk format: changing them changes ids.
/// </remarks>
public sealed class FastCdc
{
    private const int Window = 64;

    private readonly int _min;
    private readonly int _average;
    private readonly int _max;
    private readonly ulong _maskSmall;
    private readonly ulong _maskLarge;

    /// <summary>Creates a chunker; throws <see cref="ArgumentException"/> if <paramref name="options"/> are invalid.</summary>
    public FastCdc(ChunkerOptions options)
    {
        Options = options.EnsureValid();
        _min = options.MinSize;
        _average = options.AverageSize;
        _max = options.MaxSize;
        var bits = BitOperations.Log2((uint)options.AverageSize);
        _maskSmall = Mask(bits + 2);
        _maskLarge = Mask(bits - 2);
    }

    /// <summary>The options this chunker was made with.</summary>
    public ChunkerOptions Options { get; }

    /// <summary>
    /// Returns the length of the chunk that starts at <paramref name="data"/>[0]. Pass at least
    /// <see cref="ChunkerOptions.MaxSize"/> bytes unless the stream ends within <paramref name="data"/>: a shorter span
    /// without a boundary is taken to be the stream's last chunk and its whole length is returned.
    /// </summary>
    public int NextBoundary(ReadOnlySpan<byte> data)
    {
        if (data.Length <= _min)
            return data.Length;
        var end = Math.Min(data.Length, _max);
        var normal = Math.Min(end, _average);
        ref var bytes = ref MemoryMarshal.GetReference(data);
        ref var gear = ref MemoryMarshal.GetArrayDataReference(Gear);
        ulong hash = 0;
        var i = Math.Max(0, _min - Window);
        for (; i < _min; i++)
            hash = (hash << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref bytes, i));
        for (; i < normal; i++)
        {
            hash = (hash << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref bytes, i));
            if ((hash & _maskSmall) == 0)
                return i + 1;
        }
        for (; i < end; i++)
        {
            hash = (hash << 1) + Unsafe.Add(ref gear, Unsafe.Add(ref bytes, i));
            if ((hash & _maskLarge) == 0)
                return i + 1;
        }
        return end;
    }

    /// <summary>
    /// A mask of <paramref name="bits"/> one-bits spread over bits 16..63 of the hash. FastCDC spreads the bits (instead
    /// of taking the low ones) so that every bit tested depends on many bytes; bit k of the gear hash depends on the last
    /// k+1 bytes, so the lowest bit used (≥ 16) sets the smallest effective window.
    /// </summary>
    internal static ulong Mask(int bits)
    {
        ulong mask = 0;
        for (var i = 0; i < bits; i++)
            mask |= 1UL << (63 - i * 48 / bits);
        return mask;
    }

    /// <summary>256 pseudo-random 64-bit values, from SplitMix64 seeded with a fixed constant so they never change.</summary>
    internal static readonly ulong[] Gear = MakeGear(0x4469_7363_6F76_6572UL); // "Discover"

    private static ulong[] MakeGear(ulong seed)
    {
        var table = new ulong[256];
        var state = seed;
        for (var i = 0; i < table.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            table[i] = z ^ (z >> 31);
        }
        return table;
    }
}
