using System.Diagnostics;
using System.Runtime.InteropServices;
using Discovery.Abstractions.Images;
using Discovery.Client;
using Discovery.Grains;
using Discovery.Grains.Environments;
using Discovery.Grains.Images;
using Discovery.Grains.Sites;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Discovery.Bench.Images;

/// <summary>Settings of the image-delivery benchmark, as given on the command line.</summary>
internal sealed record DeliveryBenchmarkOptions(int SizeMiB, int BootMiB, int BandwidthMiBps, int ParallelFetches)
{
    public string Command =>
        $"discovery-bench image-delivery --size-mib {SizeMiB} --boot-mib {BootMiB} --bandwidth-mibps {BandwidthMiBps} --parallel {ParallelFetches}";
}

/// <summary>
/// How long a site with no copy of an image waits for its boot-critical chunks, then for the rest, beside pulling a
/// same-sized image whole in file order. Three sites hundreds of km apart run in one process; transfers wait the
/// sites' geographic RTT (<see cref="ImageOptions.EmulateWanRtt"/>) and share a bandwidth limit.
/// </summary>
internal static class DeliveryBenchmark
{
    private const int Seed = 1;

    // Far enough apart that the emulated RTTs are tens of ms (about 18, 25 and 31 ms), each in its own region so an
    // import's second replica may land on either of the others.
    private static readonly SiteCatalog Catalog = new([
        new SiteLocation("paris", 48.8566, 2.3522, "eu-west"),
        new SiteLocation("rome", 41.9028, 12.4964, "eu-south"),
        new SiteLocation("stockholm", 59.3293, 18.0686, "eu-north"),
    ]);

    private sealed record Pull(int Chunks, long Bytes, TimeSpan Time);

    private sealed record BootFirst(Pull Boot, Pull Rest, string Target, IReadOnlyList<string> Sources);

    public static async Task RunAsync(DeliveryBenchmarkOptions settings, TextWriter output)
    {
        if (settings.BootMiB > settings.SizeMiB)
            throw new ArgumentException($"--boot-mib ({settings.BootMiB}) must not exceed --size-mib ({settings.SizeMiB})");
        var cluster = await StartClusterAsync(settings);
        try
        {
            // Imports and whole-image pulls on a slow emulated link take longer than the default call timeouts.
            await using var sdk = DiscoveryClient.Attach(cluster.Client, callTimeout: TimeSpan.FromHours(1));
            var bootFirst = await BootFirstAsync(cluster, sdk, settings);
            var whole = await FileOrderAsync(cluster, sdk, settings, bootFirst.Target);
            var latency = cluster.Silos[0].ServiceProvider.GetRequiredService<LatencyEstimator>();
            var rtts = bootFirst.Sources.ToDictionary(s => s, s => latency.SiteRttMs(bootFirst.Target, s));
            Report(output, settings, bootFirst.Target, rtts, bootFirst.Boot, bootFirst.Rest, whole);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    // (a) the boot-critical chunks on the site with no copy, (b) the rest after them: what ImageDelivery does.
    private static async Task<BootFirst> BootFirstAsync(
        InProcessTestCluster cluster, DiscoveryClient sdk, DeliveryBenchmarkOptions settings)
    {
        var (details, manifest) = await ImportAsync(sdk, "delivery-boot-first", Seed, settings);
        var target = Catalog.Sites.Select(s => s.Name).Single(s => !details.ReplicasBySite.ContainsKey(s));
        var store = cluster.Client.GetGrain<ISiteChunkStoreGrain>(target);
        var bootIds = manifest.BootChunks.Select(i => manifest.Chunks[i].Id).Distinct().ToList();
        var allIds = manifest.Chunks.Select(c => c.Id).Distinct().ToList();
        var boot = await TimeAsync(() => store.FetchAsync(bootIds));
        var rest = await TimeAsync(() => store.FetchAsync(allIds));
        var bootBytes = SizeOf(manifest, bootIds);
        return new BootFirst(new Pull(bootIds.Count, bootBytes, boot), new Pull(allIds.Count - bootIds.Count, SizeOf(manifest, allIds) - bootBytes, rest),
            target, details.ReplicasBySite.Keys.ToList());
    }

    // (c) for reference: a fresh image of the same size, pulled whole in file order by the same site.
    private static async Task<Pull> FileOrderAsync(InProcessTestCluster cluster, DiscoveryClient sdk, DeliveryBenchmarkOptions settings, string target)
    {
        var (details, manifest) = await ImportAsync(sdk, "delivery-file-order", Seed + 1, settings);
        if (details.ReplicasBySite.ContainsKey(target))
            throw new InvalidOperationException($"the reference image landed on {target}, the site meant to pull it");
        var allIds = manifest.Chunks.Select(c => c.Id).Distinct().ToList();
        var time = await TimeAsync(() => cluster.Client.GetGrain<ISiteChunkStoreGrain>(target).FetchAsync(allIds));
        return new Pull(allIds.Count, SizeOf(manifest, allIds), time);
    }

    private static async Task<(ImageDetails Details, ImageManifestInfo Manifest)> ImportAsync(DiscoveryClient sdk, string name, int seed, DeliveryBenchmarkOptions settings)
    {
        var content = new byte[settings.SizeMiB << 20];
        new Random(seed).NextBytes(content);
        var details = await sdk.Images.ImportAsync(name, new MemoryStream(content), "disk.img", "bench", bootBytes: (long)settings.BootMiB << 20);
        var manifest = await sdk.Grains.GetGrain<IImageGrain>(name).GetManifestAsync()
            ?? throw new InvalidOperationException($"image {name} has no manifest after its import");
        return (details, manifest);
    }

    private static long SizeOf(ImageManifestInfo manifest, IReadOnlyList<string> ids)
    {
        var wanted = ids.ToHashSet();
        return manifest.Chunks.Where(c => wanted.Remove(c.Id)).Sum(c => (long)c.Size);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed;
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(DeliveryBenchmarkOptions settings) =>
        (await BenchCluster.StartAsync(Catalog, (_, silo) => silo.Services.Configure<ImageOptions>(o =>
            (o.BandwidthMiBps, o.EmulateWanRtt, o.ParallelFetches) = (settings.BandwidthMiBps, true, settings.ParallelFetches)))).Cluster;

    private static void Report(TextWriter output, DeliveryBenchmarkOptions settings, string target, IReadOnlyDictionary<string, double> rtts,
        Pull boot, Pull rest, Pull whole)
    {
        static string Row(string what, Pull pull) =>
            $"| {what} | {pull.Chunks} | {pull.Bytes / 1048576.0:F1} MiB | {pull.Time.TotalSeconds:F2} s | {pull.Bytes / 1048576.0 / pull.Time.TotalSeconds:F1} MiB/s |";
        output.WriteLine($"`{settings.Command}`");
        output.WriteLine();
        output.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        output.WriteLine($"Settings: {settings.SizeMiB} MiB random image (seed {Seed}), boot profile = first {settings.BootMiB} MiB, " +
                         $"bandwidth {settings.BandwidthMiBps} MiB/s per site, {settings.ParallelFetches} parallel fetches, emulated WAN RTT; " +
                         $"pulled by {target} from {string.Join(" and ", rtts.OrderBy(r => r.Value).Select(r => $"{r.Key} ({r.Value:F1} ms)"))}");
        output.WriteLine();
        output.WriteLine("| pull to a site with no copy | chunks | size | time | rate |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        output.WriteLine(Row("(a) boot-critical chunks first", boot));
        output.WriteLine(Row("(b) the rest, after (a)", rest));
        output.WriteLine(Row("(a) + (b) whole image, boot-first", new Pull(boot.Chunks + rest.Chunks, boot.Bytes + rest.Bytes, boot.Time + rest.Time)));
        output.WriteLine(Row("(c) same-sized fresh image, whole, file order", whole));
    }
}
