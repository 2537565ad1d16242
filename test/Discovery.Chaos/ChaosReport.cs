using System.Text;

namespace Discovery.Chaos;

/// <summary>A chaos run's counts, recovery times and violations.</summary>
public sealed record ChaosReport(
    ChaosOptions Options,
    TimeSpan Ran,
    IReadOnlyList<OperationRecord> Operations,
    IReadOnlyList<FaultRecord> Faults,
    int SelfStoppedSilos,
    IReadOnlyList<string> FailedSiloStarts,
    CheckResult Check,
    TimeSpan Settled,
    IReadOnlyList<double> RecoverySeconds,
    IReadOnlyList<string> LateRecoveries,
    string RunDirectory)
{
    /// <summary>Broken invariants: zero in a passing run.</summary>
    public IReadOnlyList<string> Violations => Check.Violations;

    /// <summary>The report as Markdown, for docs and CI logs.</summary>
    public string ToMarkdown()
    {
        var o = Options;
        var text = new StringBuilder();
        text.AppendLine($"Chaos run: {o.Sites.Count} sites × 1 silo process × {o.NodesPerSite} test-driver nodes, PostgreSQL clustering and storage; " +
                        $"workload {o.Workload.TotalSeconds:0} s ({o.Workers} workers × {o.VesPerWorker} VEs), a fault every {o.FaultEvery.TotalSeconds:0} s; ran {Ran.TotalSeconds:0} s in all (seed {o.Seed})" +
                        (o.Replicas ? "; VEs snapshotted every minute, some db VMs ha: replica." : "."));
        text.AppendLine($"Failure detection: ProbeTimeout {o.ProbeTimeout.TotalSeconds:0.#} s, NumMissedProbesLimit {o.MissedProbes}, NumVotesForDeathDeclaration 1, TableRefreshTimeout 2 s; reconciliation every {o.ReconcileEvery.TotalSeconds:0.#} s.");
        text.AppendLine();
        text.AppendLine("| | count |");
        text.AppendLine("|---|---:|");
        text.AppendLine($"| operations acknowledged | {Count(Outcome.Acknowledged)} ({Kinds(Outcome.Acknowledged)}) |");
        text.AppendLine($"| operations refused (a definite answer) | {Count(Outcome.Refused)} |");
        text.AppendLine($"| operations with unknown outcome | {Count(Outcome.Unknown)} |");
        text.AppendLine($"| faults injected | {Faults.Count} ({string.Join(", ", Faults.GroupBy(f => f.Kind).Select(g => $"{g.Count()} {g.Key}"))}) |");
        text.AppendLine($"| paused or cut-off silos that stopped themselves once declared dead (started again) | {SelfStoppedSilos} |");
        text.AppendLine($"| silo starts that failed and were tried again | {FailedSiloStarts.Count} |");
        text.AppendLine($"| VMs recovered (restarted elsewhere at least once) | {Check.VmsRecovered} ({Check.Restarts} restarts) |");
        text.AppendLine($"| VEs checked, VM records, hypervisor domains | {Check.VesChecked}, {Check.VmRecords}, {Check.Domains} |");
        text.AppendLine($"| time to settle after the last fault | {Settled.TotalSeconds:0} s |");
        text.AppendLine($"| **violations** | **{Violations.Count}** |");
        text.AppendLine();
        if (RecoverySeconds.Count > 0)
            text.AppendLine($"From a node's death (its silo killed, frozen or cut off) to its protected VMs running again, restarted as a new generation: median {Percentile(0.5):0.0} s, " +
                            $"p95 {Percentile(0.95):0.0} s, max {RecoverySeconds.Max():0.0} s over {RecoverySeconds.Count} VMs" +
                            (LateRecoveries.Count > 0 ? $"; {LateRecoveries.Count} not seen running again in time" : "") + ".");
        foreach (var failed in FailedSiloStarts)
            text.AppendLine($"- failed silo start: {failed}");
        foreach (var violation in Violations)
            text.AppendLine($"- violation: {violation}");
        return text.ToString();
    }

    private int Count(Outcome outcome) => Operations.Count(op => op.Outcome == outcome);

    private string Kinds(Outcome outcome) =>
        string.Join(", ", Operations.Where(op => op.Outcome == outcome).GroupBy(op => op.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    // Nearest rank, as the benchmarks compute it.
    private double Percentile(double p)
    {
        var sorted = RecoverySeconds.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
