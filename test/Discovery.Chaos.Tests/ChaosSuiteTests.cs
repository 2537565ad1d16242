using Discovery.Testing.Postgres;
using Xunit;
using Xunit.Abstractions;

namespace Discovery.Chaos.Tests;

/// <summary>
/// The chaos suite's short form: three silo processes on a PostgreSQL of their own, tenants operating VEs through the
/// SDK, and on a fixed schedule a silo killed, a site cut off from the others and the database (its silo in a network
/// namespace whose link goes down), a silo frozen past failure detection, PostgreSQL crashed. Once the faults stop and the system settles, no invariant may be broken. The long form is
/// <c>discovery-bench chaos --minutes N</c>.
/// </summary>
public sealed class ChaosSuiteTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task A_kill_a_site_cut_a_freeze_and_a_database_crash_break_no_invariant()
    {
        // A silo takes 15–20 s to start again on a busy 2-core machine, so each fault waits for the previous one's silo
        // to be back: three or four faults fit in the workload's 100 s.
        var options = new ChaosOptions(
            Workload: TimeSpan.FromSeconds(100),
            FaultEvery: TimeSpan.FromSeconds(5),
            Faults: [FaultKind.KillSilo, FaultKind.CutSite, FaultKind.PauseSilo, FaultKind.RestartDatabase],
            Settle: TimeSpan.FromSeconds(60),
            Seed: Environment.TickCount);
        Assert.True(options.Missing() is null, options.Missing());
        var log = new StringWriter();

        var report = await ChaosRun.RunAsync(options, TextWriter.Synchronized(log));

        output.WriteLine(log.ToString());
        output.WriteLine(report.ToMarkdown());
        // A site cut needs root and iproute2 (CI has both); elsewhere the injector kills a silo in its place.
        var kinds = SiteNetwork.Missing() is null ? 4 : 3;
        Assert.True(report.Faults.Select(f => f.Kind).Distinct().Count() == kinds, $"not every kind of fault was injected:\n{report.ToMarkdown()}");
        Assert.True(report.Operations.Count(o => o.Outcome == Outcome.Acknowledged) >= 20, "the workload hardly ran:\n" + report.ToMarkdown());
        Assert.True(report.Violations.Count == 0, $"logs in {report.RunDirectory}\n{report.ToMarkdown()}");
    }
}
