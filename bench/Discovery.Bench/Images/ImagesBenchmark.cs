using System.Diagnostics;
using Discovery.Images;

namespace Discovery.Bench.Images;

/// <summary>
/// Discovery.Images beside casync on the same real Debian images, imported in sequence into one store each: how much of
/// each image is already there (dedup), how big the stores get, and how fast chunking, hashing and importing run.
/// </summary>
internal static class ImagesBenchmark
{
    private sealed record Import(string Image, long Size, int Chunks, int Distinct, int Reused, long DistinctBytes,
        long ReusedBytes, long StoreBytes, double Wall, double Cpu)
    {
        public double ReusedShare => (double)Reused / Distinct;
        public double ReusedBytesShare => (double)ReusedBytes / DistinctBytes;
    }

    public static async Task RunAsync(string directory, TextWriter output)
    {
        if (!CasyncRunner.IsInstalled())
            throw new ArgumentException("casync is not installed (apt-get install -y casync)");
        foreach (var image in DebianImage.All)
            image.EnsureBuilt(directory, Console.Error);
        var tars = DebianImage.All.Select(i => (i.Name, Path: i.TarPath(directory))).ToList();
        var work = Path.Combine(directory, "work");
        if (Directory.Exists(work))
            Directory.Delete(work, recursive: true);

        var options = new ChunkerOptions();
        var coldStart = await WarmUpAsync(tars[0].Path, Path.Combine(work, "warm-up-store"), options);
        var ours = await ImportAllAsync(tars, new ChunkStore(Path.Combine(work, "discovery-store")), options);
        var casync = new CasyncRunner(Path.Combine(work, "casync-store"), Path.Combine(work, "casync-index"));
        var theirs = tars.Select(t => CasyncImport(casync, t.Name, t.Path)).ToList();
        var ourRescan = await ImportAllAsync(tars, new ChunkStore(Path.Combine(work, "discovery-store")), options);
        var theirRescan = tars.Select(t => CasyncImport(casync, t.Name, t.Path)).ToList();
        var throughput = MeasureChunkingAndHashing(tars.Select(t => t.Path).ToList(), options);

        Report(output, ours, theirs, ourRescan, theirRescan, throughput, coldStart);
    }

    private const int WarmUpBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Imports the first 64 MB of an image into a scratch store and returns its MB/s: the JIT compiles the chunker, BLAKE3
    /// and zstd during this first import (about 1.3 s), which a long-running silo pays once, so the measured imports
    /// come after it.
    /// </summary>
    private static async Task<double> WarmUpAsync(string tar, string scratch, ChunkerOptions options)
    {
        var head = new byte[WarmUpBytes];
        await using (var file = File.OpenRead(tar))
            await file.ReadExactlyAsync(head);
        var clock = Stopwatch.StartNew();
        await ImageImport.ImportAsync(new MemoryStream(head), tar, new ChunkStore(scratch), options, bootBytes: 0);
        var seconds = clock.Elapsed.TotalSeconds;
        Directory.Delete(scratch, recursive: true);
        return WarmUpBytes / seconds;
    }

    private static async Task<List<Import>> ImportAllAsync(List<(string Name, string Path)> tars, ChunkStore store, ChunkerOptions options)
    {
        var imports = new List<Import>();
        foreach (var (name, path) in tars)
        {
            var before = store.List().Select(id => id.Hex).ToHashSet();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var manifest = await ImageImport.ImportAsync(file, path, store, options, bootBytes: 0);
            var wall = clock.Elapsed.TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            imports.Add(Summarise(name, manifest.Chunks.Select(c => (c.Id.Hex, (long)c.Size)).ToList(), before, store.BytesOnDisk(), wall, cpuSeconds));
        }
        return imports;
    }

    private static Import CasyncImport(CasyncRunner casync, string name, string tar)
    {
        var before = casync.StoredChunks();
        var (wall, cpu, chunks) = casync.Make(tar, name);
        return Summarise(name, chunks, before, casync.BytesOnDisk(), wall, cpu);
    }

    /// <summary>Reuse counts distinct chunks of the image that the store held before the import.</summary>
    private static Import Summarise(string name, List<(string Id, long Size)> chunks, HashSet<string> before, long storeBytes,
        double wall, double cpu)
    {
        var distinct = chunks.DistinctBy(c => c.Id).ToList();
        var reused = distinct.Where(c => before.Contains(c.Id)).ToList();
        return new Import(name, chunks.Sum(c => c.Size), chunks.Count, distinct.Count, reused.Count,
            distinct.Sum(c => c.Size), reused.Sum(c => c.Size), storeBytes, wall, cpu);
    }

    private sealed record Throughput(long Bytes, double ChunkOnly, double HashOnly, double ChunkAndHash);

    /// <summary>One thread over the images in memory: FastCDC alone, BLAKE3 alone (on the same chunks), and both.</summary>
    private static Throughput MeasureChunkingAndHashing(List<string> tars, ChunkerOptions options)
    {
        var images = tars.Select(File.ReadAllBytes).ToList();
        var cdc = new FastCdc(options);
        var bytes = images.Sum(i => (long)i.Length);
        double Best(Action<byte[]> pass)
        {
            pass(images[0]); // warm-up: let tiered compilation reach the optimised loop
            var best = double.MaxValue;
            for (var run = 0; run < 3; run++)
            {
                var clock = Stopwatch.StartNew();
                images.ForEach(pass);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return bytes / best;
        }
        var cuts = images.Select(i => Cuts(cdc, i)).ToList();
        var chunkOnly = Best(image => Cuts(cdc, image));
        var hashOnly = Best(image =>
        {
            var offset = 0;
            foreach (var size in cuts[images.IndexOf(image)])
            {
                ChunkId.Of(image.AsSpan(offset, size));
                offset += size;
            }
        });
        var both = Best(image =>
        {
            for (var offset = 0; offset < image.Length;)
            {
                var size = cdc.NextBoundary(image.AsSpan(offset));
                ChunkId.Of(image.AsSpan(offset, size));
                offset += size;
            }
        });
        return new Throughput(bytes, chunkOnly, hashOnly, both);
    }

    private static List<int> Cuts(FastCdc cdc, byte[] image)
    {
        var sizes = new List<int>();
        for (var offset = 0; offset < image.Length; offset += sizes[^1])
            sizes.Add(cdc.NextBoundary(image.AsSpan(offset)));
        return sizes;
    }

    private static void Report(TextWriter output, List<Import> ours, List<Import> theirs, List<Import> ourRescan,
        List<Import> theirRescan, Throughput throughput, double coldStart)
    {
        output.WriteLine("### Dedup: the three images imported in sequence into one store");
        output.WriteLine();
        output.WriteLine("| image | size | tool | chunks (distinct) | mean chunk | reused from earlier images (chunks / bytes) | store after |");
        output.WriteLine("|---|---:|---|---:|---:|---:|---:|");
        for (var i = 0; i < ours.Count; i++)
        {
            foreach (var (tool, import) in new[] { ("Discovery.Images", ours[i]), ("casync", theirs[i]) })
            {
                output.WriteLine($"| {import.Image} | {Mb(import.Size)} | {tool} | {import.Chunks} ({import.Distinct}) | " +
                    $"{import.Size / import.Chunks / 1024.0:F1} KiB | {import.ReusedShare:P1} / {import.ReusedBytesShare:P1} | {Mb(import.StoreBytes)} |");
            }
        }
        var total = ours.Sum(i => i.Size);
        output.WriteLine();
        output.WriteLine($"Three images, {Mb(total)} as tars: Discovery.Images store {Mb(ours[^1].StoreBytes)} ({(double)total / ours[^1].StoreBytes:F2}x), " +
            $"casync store {Mb(theirs[^1].StoreBytes)} ({(double)total / theirs[^1].StoreBytes:F2}x).");
        output.WriteLine();
        output.WriteLine("### Speed (one thread; the tars in the page cache)");
        output.WriteLine();
        output.WriteLine("| what | Discovery.Images | casync |");
        output.WriteLine("|---|---:|---:|");
        output.WriteLine($"| chunking only (FastCDC), in memory | {Gbs(throughput.ChunkOnly)} | |");
        output.WriteLine($"| hashing only (BLAKE3-256), in memory | {Gbs(throughput.HashOnly)} | |");
        output.WriteLine($"| chunking + hashing, in memory, per core | {Gbs(throughput.ChunkAndHash)} | |");
        output.WriteLine($"| re-import, every chunk already stored (read + chunk + hash + lookup) | {Speed(ourRescan)} | {Speed(theirRescan)} |");
        output.WriteLine($"| import into an empty store, with zstd (first image) | {Speed(ours.Take(1).ToList())} | {Speed(theirs.Take(1).ToList())} |");
        output.WriteLine($"| import of all three in sequence, with zstd | {Speed(ours)} | {Speed(theirs)} |");
        output.WriteLine($"| first import in a fresh process (JIT cold), first 64 MB, with zstd | {coldStart / 1e6:F0} MB/s | |");
    }

    private static string Speed(List<Import> imports)
    {
        var bytes = imports.Sum(i => i.Size);
        var wall = imports.Sum(i => i.Wall);
        var cpu = imports.Sum(i => i.Cpu);
        return $"{bytes / wall / 1e6:F0} MB/s ({wall:F1} s, {cpu:F1} s CPU)";
    }

    private static string Mb(long bytes) => $"{bytes / 1e6:F1} MB";

    private static string Gbs(double bytesPerSecond) => $"{bytesPerSecond / 1e9:F2} GB/s";
}
