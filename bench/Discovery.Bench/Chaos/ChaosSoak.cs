using Discovery.Chaos;

namespace Discovery.Bench.Chaos;

/// <summary>
/// The chaos suite's soak: the same harness as the CI test (test/Discovery.Chaos), run for minutes with faults drawn
/// at random; prints the report (Markdown) and fails when an invariant is broken.
/// </summary>
public static class ChaosSoak
{
    public static async Task<int> RunAsync(int minutes, int faultEverySeconds, int workers, int vesPerWorker, int seed, TextWriter output)
    {
        var options = new ChaosOptions(
            Workload: TimeSpan.FromMinutes(minutes),
            FaultEvery: TimeSpan.FromSeconds(faultEverySeconds),
            Faults: null,
            Settle: TimeSpan.FromSeconds(120),
            Workers: workers,
            VesPerWorker: vesPerWorker,
            Seed: seed) { Replicas = true };
        if (options.Missing() is { } missing)
            throw new ArgumentException($"chaos: {missing}");
        var report = await ChaosRun.RunAsync(options, TextWriter.Synchronized(Console.Error));
        output.WriteLine(report.ToMarkdown());
        output.WriteLine($"Silo logs: {report.RunDirectory}");
        return report.Violations.Count == 0 ? 0 : 1;
    }
}
