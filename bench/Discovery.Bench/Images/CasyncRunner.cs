using System.Buffers.Binary;
using System.Globalization;

namespace Discovery.Bench.Images;

/// <summary>Runs <c>casync make</c> on a blob and reads its index (.caibx) to see which chunks the blob is made of.</summary>
internal sealed class CasyncRunner(string store, string indexDirectory)
{
    // casync's defaults are already 16K:64K:256K; spelled out so the comparison does not depend on them.
    private const string ChunkSize = "16K:64K:256K";

    public static bool IsInstalled() => Shell.Run("command -v casync").Exit == 0;

    /// <summary>Chunk ids present in the store now, from the chunk file names (<c>&lt;4 hex&gt;/&lt;hex&gt;.cacnk</c>).</summary>
    public HashSet<string> StoredChunks() => !Directory.Exists(store) ? []
        : Directory.EnumerateFiles(store, "*.cacnk", SearchOption.AllDirectories).Select(f => Path.GetFileNameWithoutExtension(f)).ToHashSet();

    public long BytesOnDisk() => !Directory.Exists(store) ? 0
        : new DirectoryInfo(store).EnumerateFiles("*.cacnk", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>Runs casync make on <paramref name="tar"/>; returns wall and CPU seconds and the index's chunks.</summary>
    public (double Wall, double Cpu, List<(string Id, long Size)> Chunks) Make(string tar, string name)
    {
        Directory.CreateDirectory(indexDirectory);
        var index = Path.Combine(indexDirectory, name + ".caibx");
        File.Delete(index);
        var (exit, _, error) = Shell.Run(
            $"TIMEFORMAT='%R %U %S'; time casync make --store='{store}' --chunk-size={ChunkSize} --compression=zstd '{index}' '{tar}' > /dev/null");
        if (exit != 0)
            throw new IOException($"casync make failed on {tar} (exit {exit}): {error.Trim()}");
        var times = error.Trim().Split('\n')[^1].Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        return (times[0], times[1] + times[2], ReadIndex(index));
    }

    /// <summary>
    /// Reads a casync blob index: a 48-byte CaFormatIndex header, a 16-byte table header, then 40-byte items
    /// (little-endian end offset, 32-byte chunk id) until the tail, whose first 8 bytes are zero.
    /// </summary>
    internal static List<(string Id, long Size)> ReadIndex(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var chunks = new List<(string, long)>();
        long previous = 0;
        for (var at = 64; at + 40 <= bytes.Length; at += 40)
        {
            var end = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            if (end == 0)
                break;
            chunks.Add((Convert.ToHexStringLower(bytes.AsSpan(at + 8, 32)), end - previous));
            previous = end;
        }
        return chunks;
    }
}
