namespace Discovery.Chaos;

/// <summary>One injected fault.</summary>
public sealed record FaultRecord(FaultKind Kind, string Target, DateTimeOffset At, int ProtectedVms, string? Note = null);

/// <summary>
/// Every <see cref="ChaosOptions.FaultEvery"/>, one fault: a silo killed and started again, a silo frozen longer
/// than failure detection and let go, or PostgreSQL crashed and started again. One fault at a time, so at most one
/// site is down: the others have room for its protected VMs.
/// </summary>
public sealed class FaultInjector(SiloFleet fleet, PostgresInstance database, RecoveryClock clock, ChaosOptions options, TextWriter log)
{
    private static readonly TimeSpan ExitWatch = TimeSpan.FromSeconds(15);
    private readonly List<FaultRecord> _injected = [];

    /// <summary>The faults injected so far.</summary>
    public IReadOnlyList<FaultRecord> Injected
    {
        get
        {
            lock (_injected)
                return _injected.ToList();
        }
    }

    /// <summary>A paused silo that stopped itself when it found it had been declared dead, and was started again.</summary>
    public int SelfStopped { get; private set; }

    /// <summary>Injects faults until <paramref name="stop"/> fires; the fault in progress then completes (its silo is back).</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var random = new Random(options.Seed);
        for (var i = 0; ; i++)
        {
            try
            {
                await Task.Delay(options.FaultEvery, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var kind = options.Faults is { Count: > 0 } faults ? faults[i % faults.Count] : (FaultKind)random.Next(fleet.CuttableSite is null ? 3 : 4);
            var site = options.Sites[random.Next(options.Sites.Count)];
            await InjectAsync(kind == FaultKind.CutSite && fleet.CuttableSite is null ? FaultKind.KillSilo : kind, kind == FaultKind.CutSite ? fleet.CuttableSite ?? site : site);
        }
    }

    private async Task InjectAsync(FaultKind kind, string site)
    {
        switch (kind)
        {
            case FaultKind.KillSilo:
            {
                var vms = await clock.ProtectedVmsOnAsync(site);
                var at = DateTimeOffset.UtcNow;
                fleet.Kill(site);
                Record(new FaultRecord(kind, site, at, vms.Count));
                clock.Track(site, at, vms);
                await Task.Delay(options.SiloDowntime);
                await fleet.StartAsync(site);
                break;
            }
            case FaultKind.PauseSilo:
            {
                var vms = await clock.ProtectedVmsOnAsync(site);
                var at = DateTimeOffset.UtcNow;
                fleet.Pause(site);
                Record(new FaultRecord(kind, site, at, vms.Count));
                clock.Track(site, at, vms);
                await Task.Delay(options.PauseLength);
                fleet.Continue(site);
                // A silo that finds itself declared dead stops itself; it is then started again like a killed one.
                if (await fleet.ExitsWithinAsync(site, ExitWatch))
                {
                    SelfStopped++;
                    await fleet.RestartExitedAsync();
                }
                break;
            }
            case FaultKind.CutSite:
            {
                var vms = await clock.ProtectedVmsOnAsync(site);
                var at = DateTimeOffset.UtcNow;
                await fleet.CutAsync();
                Record(new FaultRecord(kind, site, at, vms.Count));
                clock.Track(site, at, vms);
                await Task.Delay(options.CutLength);
                await fleet.MendAsync();
                log.WriteLine($"{Clock.Now}  site {site} joined again");
                // Declared dead while cut off, the silo stops itself once it hears so; it is started again.
                if (await fleet.ExitsWithinAsync(site, ExitWatch))
                {
                    SelfStopped++;
                    await fleet.RestartExitedAsync();
                }
                break;
            }
            case FaultKind.RestartDatabase:
            {
                Record(new FaultRecord(kind, "postgres", DateTimeOffset.UtcNow, 0));
                await database.RestartAsync(options.DatabaseDowntime);
                log.WriteLine($"{Clock.Now}  postgres is back");
                break;
            }
        }
        await fleet.RestartExitedAsync();
    }

    private void Record(FaultRecord fault)
    {
        lock (_injected)
            _injected.Add(fault);
        log.WriteLine($"{Clock.Now}  fault: {fault.Kind} {fault.Target} ({fault.ProtectedVms} protected VMs there)");
    }
}
