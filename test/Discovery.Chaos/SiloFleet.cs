using Discovery.Testing;
using Discovery.Testing.Processes;

namespace Discovery.Chaos;

/// <summary>
/// One silo process per site on the run's database, each with libvirt test-driver nodes: started, killed, paused and
/// started again by the fault injector. A silo's ports stay the same across restarts.
/// </summary>
public sealed class SiloFleet : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly ChaosOptions _options;
    private readonly string _connection;
    private readonly string _infrastructure;
    private readonly Dictionary<string, Silo> _silos = [];
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TextWriter _log;

    private readonly SiteNetwork? _network;

    private SiloFleet(ChaosOptions options, string connection, string clusterId, string directory, SiteNetwork? network, TextWriter log)
    {
        (_options, _connection, ClusterId, _network, _log) = (options, connection, clusterId, network, log);
        Directory.CreateDirectory(directory);
        _infrastructure = Path.Combine(directory, "infrastructure.yaml");
        File.WriteAllLines(_infrastructure, [
            "sites:",
            .. options.Sites.Select((site, i) => $"  - {{ name: {site}, latitude: {45 + i}, longitude: {i * 2 - 1}, nodes: [ {{ name: node, count: {options.NodesPerSite}, cpus: {options.NodeCpus}, memoryMiB: {options.NodeMemoryMiB} }} ] }}"),
        ]);
        foreach (var site in options.Sites)
            _silos[site] = new Silo(site, FreePorts.Take(), FreePorts.Take(), Path.Combine(directory, site));
        LogDirectory = directory;
    }

    /// <summary>The cluster id the silos and the client share.</summary>
    public string ClusterId { get; }

    /// <summary>Where each silo's output is written when the fleet stops.</summary>
    public string LogDirectory { get; }

    /// <summary>
    /// Initialises the schema and starts every silo; with <paramref name="network"/>, the last site's silo runs in
    /// that namespace (<see cref="CuttableSite"/>) and every silo is reached on the network's addresses.
    /// </summary>
    public static async Task<SiloFleet> StartAsync(ChaosOptions options, string connection, string directory, SiteNetwork? network, TextWriter log)
    {
        await using (var init = ChildProcess.StartDotnet(options.SiloProgram, "db", "init", "--connection", connection))
        {
            if (await init.WaitForExitAsync(StartTimeout) != 0)
                throw new InvalidOperationException($"db init failed:\n{string.Join('\n', init.Output)}");
        }
        var fleet = new SiloFleet(options, connection, $"chaos-{Guid.NewGuid():N}", directory, network, log);
        // The first silo alone, so the others find a cluster to join rather than racing to found one.
        var sites = options.Sites.ToList();
        await fleet.StartAsync(sites[0]);
        await Task.WhenAll(sites.Skip(1).Select(fleet.StartAsync));
        return fleet;
    }

    /// <summary>The sites.</summary>
    public IReadOnlyList<string> Sites => _options.Sites;

    /// <summary>The site whose silo runs in a namespace of its own and can be cut off; null when none does.</summary>
    public string? CuttableSite => _network is null ? null : _options.Sites[^1];

    /// <summary>Cuts <see cref="CuttableSite"/> off from the other silos and the database.</summary>
    public Task CutAsync() => _network!.CutAsync();

    /// <summary>Joins <see cref="CuttableSite"/> to the others again.</summary>
    public Task MendAsync() => _network!.MendAsync();

    /// <summary>Whether the site's silo process is running (paused counts as running).</summary>
    public bool IsRunning(string site) => _silos[site].Process is { HasExited: false };

    /// <summary>Waits up to <paramref name="timeout"/> for the site's silo to exit by itself; true when it did (or none runs).</summary>
    public async Task<bool> ExitsWithinAsync(string site, TimeSpan timeout)
    {
        if (_silos[site].Process is not { HasExited: false } process)
            return true;
        try
        {
            await process.WaitForExitAsync(timeout);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary><c>kill -9</c> of the site's silo.</summary>
    public void Kill(string site)
    {
        _silos[site].Process?.KillHard();
    }

    /// <summary>Freezes the site's silo.</summary>
    public void Pause(string site) => _silos[site].Process?.Pause();

    /// <summary>Lets the site's frozen silo run again.</summary>
    public void Continue(string site) => _silos[site].Process?.Continue();

    /// <summary>Starts of a silo that failed (it exited or hung before it was running) and were tried again, with why.</summary>
    public IReadOnlyList<string> FailedStarts
    {
        get
        {
            lock (_failedStarts)
                return _failedStarts.ToList();
        }
    }

    private readonly List<string> _failedStarts = [];

    /// <summary>
    /// Starts the site's silo (again) and waits until it says it is running; a start that fails is tried again, as
    /// systemd's <c>Restart=on-failure</c> would, and recorded in <see cref="FailedStarts"/>.
    /// </summary>
    public async Task StartAsync(string site)
    {
        for (var attempt = 1; ; attempt++)
        {
            var process = await LaunchAsync(site);
            try
            {
                await process.WaitForLineAsync("is running", StartTimeout);
                _log.WriteLine($"{Clock.Now}  silo {site} is running (start #{_silos[site].Starts}, pid {process.Id})");
                return;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException && attempt < 3)
            {
                var why = process.Output.LastOrDefault(l => l.Contains("failed", StringComparison.Ordinal)) ?? e.Message.Split('\n')[0];
                lock (_failedStarts)
                    _failedStarts.Add($"{site} start #{_silos[site].Starts}: {why}");
                _log.WriteLine($"{Clock.Now}  silo {site} failed to start: {why}; trying again");
            }
        }
    }

    private async Task<ChildProcess> LaunchAsync(string site)
    {
        var silo = _silos[site];
        await _lock.WaitAsync();
        try
        {
            if (silo.Process is { } old)
            {
                Keep(silo, old);
                await old.DisposeAsync();
            }
            // One vote declares a silo dead, as in the failover benchmark: with one silo per site, the survivors of a
            // three-site cluster need not agree before a frozen site's VMs restart elsewhere.
            var environment = new Dictionary<string, string>
            {
                ["Discovery__FailureDetection__NumVotesForDeathDeclaration"] = "1",
                ["Discovery__Images__OrphanSweepAge"] = _options.OrphanSweepAge.ToString("c"),
            };
            // With a site network, silos advertise the link's addresses (loopback is not shared with the namespace),
            // and the cut site reaches the database across the link.
            var inNamespace = site == CuttableSite;
            var (address, connection) = _network is null ? ("127.0.0.1", _connection)
                : inNamespace ? (_network.SiteAddress, new Npgsql.NpgsqlConnectionStringBuilder(_connection) { Host = _network.HostAddress }.ConnectionString)
                : (_network.HostAddress, _connection);
            string[] command = ["dotnet", _options.SiloProgram,
                "--site", site, "--clustering", "postgres", "--connection", connection, "--cluster-id", ClusterId,
                "--address", address, "--silo-port", silo.SiloPort.ToString(), "--gateway-port", silo.GatewayPort.ToString(),
                "--infrastructure", _infrastructure, "--data-dir", silo.DataDirectory,
                "--probe-timeout", _options.ProbeTimeout.ToString("c"), "--missed-probes", _options.MissedProbes.ToString(),
                "--table-refresh", "00:00:02", "--reconcile-every", _options.ReconcileEvery.ToString("c"),
                // Watchers of protected VMs look every second, and give an agent that does not answer 10 s.
                "--watch-every", "00:00:01", "--watch-unreachable-for", "00:00:10"];
            silo.Process = ChildProcess.Start(environment, inNamespace ? [.. _network!.Wrap(command[0]), .. command[1..]] : command,
                Path.GetDirectoryName(_options.SiloProgram)!);
            silo.Starts++;
            return silo.Process;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Starts every silo that is not running, e.g. one that stopped itself after it was declared dead.</summary>
    public async Task<int> RestartExitedAsync()
    {
        var exited = Sites.Where(s => !IsRunning(s)).ToList();
        foreach (var site in exited)
        {
            _log.WriteLine($"{Clock.Now}  silo {site} has exited (code {_silos[site].Process?.ExitCodeOrNull}); starting it again");
            await StartAsync(site);
        }
        return exited.Count;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos.Values)
        {
            if (silo.Process is { } process)
            {
                process.Continue();
                process.Terminate();
                try
                {
                    await process.WaitForExitAsync(TimeSpan.FromSeconds(15));
                }
                catch (OperationCanceledException)
                {
                }
                Keep(silo, process);
                await process.DisposeAsync();
            }
        }
    }

    // Every process's output goes to the site's log file, appended start after start.
    private void Keep(Silo silo, ChildProcess process)
    {
        File.AppendAllLines(Path.Combine(LogDirectory, $"{silo.Site}.log"), [$"---- start #{silo.Starts}", .. process.Output]);
    }

    private sealed class Silo(string site, int siloPort, int gatewayPort, string dataDirectory)
    {
        public string Site { get; } = site;
        public int SiloPort { get; } = siloPort;
        public int GatewayPort { get; } = gatewayPort;
        public string DataDirectory { get; } = dataDirectory;
        public ChildProcess? Process { get; set; }
        public int Starts { get; set; }
    }
}

/// <summary>Wall-clock time for the run's log lines.</summary>
internal static class Clock
{
    public static string Now => DateTime.UtcNow.ToString("HH:mm:ss.fff");
}
