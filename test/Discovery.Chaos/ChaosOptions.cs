using System.Reflection;

namespace Discovery.Chaos;

/// <summary>What a chaos run does: how long the workload runs, how often faults come, and how long the system may settle.</summary>
/// <param name="Workload">How long tenants operate while faults are injected.</param>
/// <param name="FaultEvery">Time between two faults (the first comes after one interval).</param>
/// <param name="Faults">The faults in the order they are injected, cycling; null draws them at random (seeded).</param>
/// <param name="Settle">How long the checker may wait, after the faults stop, for the system to converge.</param>
/// <param name="Workers">Tenant workers, each operating its own VEs one operation at a time.</param>
/// <param name="VesPerWorker">Live VEs each worker keeps.</param>
/// <param name="Seed">Seeds the workload and the fault draw.</param>
public sealed record ChaosOptions(
    TimeSpan Workload,
    TimeSpan FaultEvery,
    IReadOnlyList<FaultKind>? Faults = null,
    TimeSpan? Settle = null,
    int Workers = 3,
    int VesPerWorker = 3,
    int Seed = 1)
{
    /// <summary>The sites, one silo each.</summary>
    public IReadOnlyList<string> Sites { get; init; } = ["paris", "lyon", "rennes"];

    /// <summary>Nodes per site, each with <see cref="NodeCpus"/> CPUs and <see cref="NodeMemoryMiB"/> of memory.</summary>
    public int NodesPerSite { get; init; } = 3;

    /// <summary>CPUs of each node.</summary>
    public int NodeCpus { get; init; } = 16;

    /// <summary>Memory of each node.</summary>
    public long NodeMemoryMiB { get; init; } = 32768;

    /// <summary>Failure detection given to every silo: probe timeout (Orleans' <c>ProbeTimeout</c>).</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failure detection: missed probes before a silo is suspected (Orleans' <c>NumMissedProbesLimit</c>).</summary>
    public int MissedProbes { get; init; } = 2;

    /// <summary>How long a killed silo stays down before it is started again.</summary>
    public TimeSpan SiloDowntime { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long a paused silo stays frozen: longer than detection (probe timeout × missed probes) by design.</summary>
    public TimeSpan PauseLength { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a cut site stays cut off: longer than detection, so the others declare its silo dead.</summary>
    public TimeSpan CutLength { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Whether the last site's silo runs in a network namespace so that <see cref="FaultKind.CutSite"/> can cut it off
    /// (needs root and iproute2; without them the run goes on without that fault).
    /// </summary>
    public bool CutSites { get; init; } = true;

    /// <summary>
    /// Whether the workload's VEs are snapshotted every minute and some of their db VMs are <c>ha: replica</c> (a
    /// standby on another site); off in the CI's short form, whose 100 s hardly see a snapshot.
    /// </summary>
    public bool Replicas { get; init; }

    /// <summary>How long PostgreSQL stays down when it is restarted.</summary>
    public TimeSpan DatabaseDowntime { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How often node agents reconcile with their hypervisor (fencing runs then).</summary>
    public TimeSpan ReconcileEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How old a chunk no image references must be before a site's store sweeps it (1 h in a deployment): short, so
    /// that what an interrupted import or snapshot leaves behind is gone within the settle time.
    /// </summary>
    public TimeSpan OrphanSweepAge { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where logs and the run's files go; a fresh temporary directory when null.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>The built silo program (<c>discovery-silo.dll</c>).</summary>
    public string SiloProgram { get; init; } = Metadata("SiloProgram");

    /// <summary>The repository, for <c>.ci/start-postgres.sh</c>.</summary>
    public string RepositoryRoot { get; init; } = Metadata("RepositoryRoot");

    /// <summary>The settle time, 90 s unless told.</summary>
    public TimeSpan SettleTimeout => Settle ?? TimeSpan.FromSeconds(90);

    /// <summary>Why this machine cannot run the suite, or null when it can.</summary>
    public string? Missing()
    {
        if (!File.Exists(SiloProgram))
            return $"the silo program is not built ({SiloProgram}): dotnet build src/Discovery.Silo -c Release";
        if (!File.Exists(Path.Combine(RepositoryRoot, ".ci", "start-postgres.sh")))
            return $".ci/start-postgres.sh not found under {RepositoryRoot}";
        return PostgresInstance.Missing();
    }

    private static string Metadata(string key) => Path.GetFullPath(
        typeof(ChaosOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);
}

/// <summary>The faults the injector knows.</summary>
public enum FaultKind
{
    /// <summary><c>kill -9</c> of a random silo, started again after <see cref="ChaosOptions.SiloDowntime"/>.</summary>
    KillSilo,

    /// <summary><c>SIGSTOP</c> of a random silo for <see cref="ChaosOptions.PauseLength"/>, then <c>SIGCONT</c>.</summary>
    PauseSilo,

    /// <summary>PostgreSQL stopped (immediate mode, as a crash) and started again after <see cref="ChaosOptions.DatabaseDowntime"/>.</summary>
    RestartDatabase,

    /// <summary>
    /// The cuttable site's link taken down for <see cref="ChaosOptions.CutLength"/>: its silo, alive, reaches neither
    /// the other silos nor the database, and they do not reach it; then the link comes back.
    /// </summary>
    CutSite,
}
