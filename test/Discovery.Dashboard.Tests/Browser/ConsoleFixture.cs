using System.Reflection;
using Discovery.Client;
using Discovery.Testing;
using Discovery.Testing.Processes;
using Microsoft.Playwright;
using Xunit;

namespace Discovery.Dashboard.Tests.Browser;

/// <summary>
/// The real thing, end to end: the silo program (three sites, two nodes each, console included) as a child process,
/// a tenant client connected to it, and Debian's Chromium driven by Playwright. Never downloads a browser.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium; the tests never use another.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The sites of the test infrastructure and how many nodes each has.</summary>
    public static readonly IReadOnlyList<string> Sites = ["lyon", "paris", "rennes"];
    public const int NodesPerSite = 2;

    /// <summary>How Chromium runs here: headless, offline from Google's services, in a container without a sandbox.</summary>
    public static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>How long the silo program may take to start.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private ChildProcess? _silo;
    private IPlaywright? _playwright;
    private string? _profile;

    /// <summary>The console's address.</summary>
    public string Url { get; private set; } = "";

    /// <summary>A tenant application's connection to the same cluster.</summary>
    public DiscoveryClient Client { get; private set; } = null!;

    /// <summary>A browser with a fresh profile.</summary>
    public IBrowserContext Browser { get; private set; } = null!;

    /// <summary>Where page screenshots go (committed under docs/screenshots).</summary>
    public static string ScreenshotDirectory { get; } = Path.GetFullPath(Path.Combine(
        typeof(ConsoleFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "docs", "screenshots"));

    public async Task InitializeAsync()
    {
        if (ChromiumFactAttribute.Missing is not null)
            return;
        var clusterId = $"console-{Guid.NewGuid():N}";
        // Scheduling on, but only demands a test sets count: no VM moves unless a test makes it.
        (_silo, var gateway, Url) = StartSilo(clusterId, "--scheduling", "true", "--workload", "OperatorOnly", "--monitor-every", "00:00:00.500");
        await _silo.WaitForLineAsync("is running", StartTimeout);
        Client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Gateways = [gateway], ClusterId = clusterId });

        _playwright = await Playwright.CreateAsync();
        _profile = Directory.CreateTempSubdirectory("discovery-chromium-").FullName;
        Browser = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
        });
        Browser.SetDefaultTimeout(30_000);
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>Opens <paramref name="path"/> of the console in a new tab.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync($"{Url}/{path.TrimStart('/')}");
        return page;
    }

    /// <summary>Saves a screenshot of <paramref name="page"/> as docs/screenshots/<paramref name="name"/>.png.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Client is not null)
            await Client.DisposeAsync();
        if (_silo is not null)
            await _silo.DisposeAsync();
        if (_profile is not null)
            Directory.Delete(_profile, recursive: true);
    }

    /// <summary>
    /// Starts the silo program on free ports with the test infrastructure and <paramref name="options"/>; returns it,
    /// its first gateway and the console's address.
    /// </summary>
    public static (ChildProcess Silo, string Gateway, string ConsoleUrl) StartSilo(string clusterId, params string[] options)
    {
        var siloProgram = typeof(ConsoleFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloProgram").Value!;
        var (siloPort, gatewayPort, consolePort) = (FreePorts.TakeRange(4), FreePorts.TakeRange(4), FreePorts.Take());
        var silo = ChildProcess.StartDotnet(siloProgram,
        [
            "--infrastructure", WriteInfrastructure(), "--cluster-id", clusterId,
            "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--console-port", consolePort.ToString(),
            .. options,
        ]);
        return (silo, $"127.0.0.1:{gatewayPort}", $"http://127.0.0.1:{consolePort}");
    }

    private static string WriteInfrastructure()
    {
        var path = Path.Combine(Path.GetTempPath(), $"discovery-console-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $$"""
            sites:
              - { name: paris, latitude: 48.85, longitude: 2.35, nodes: [ { name: node, count: {{NodesPerSite}}, cpus: 16, memoryMiB: 32768, cpuOvercommit: 2 } ] }
              - { name: lyon, latitude: 45.76, longitude: 4.84, nodes: [ { name: node, count: {{NodesPerSite}}, cpus: 8, memoryMiB: 16384 } ] }
              - { name: rennes, latitude: 48.11, longitude: -1.68, nodes: [ { name: node, count: {{NodesPerSite}}, cpus: 8, memoryMiB: 16384 } ] }
            """);
        return path;
    }
}

/// <summary>
/// A test that needs Debian's Chromium: skipped with a message outside CI when it is missing, run (and failing) in CI.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Why the browser tests cannot run here, or null.</summary>
    public static string? Missing => File.Exists(ConsoleFixture.ChromiumPath)
        ? null
        : $"{ConsoleFixture.ChromiumPath} is missing (apt-get install chromium)";

    /// <summary>Skips outside CI when Chromium is missing.</summary>
    public ChromiumFactAttribute()
    {
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (Missing is { } missing && !inCi)
            Skip = missing;
    }
}
