using Discovery.Client;
using Discovery.Testing.Processes;
using Microsoft.Playwright;
using Xunit;

namespace Discovery.Dashboard.Tests.Browser;

/// <summary>
/// The silo program with <c>--security true</c> (console included), the administrator key it made up for the run, and
/// Debian's Chromium: each user of a test gets a browser context of their own, so cookies are never shared.
/// </summary>
public sealed class SecuredConsoleFixture : IAsyncLifetime
{
    private const string AdminKeyLine = "Administrator key (this run only): ";
    private ChildProcess? _silo;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string _gateway = "";
    private string _clusterId = "";

    /// <summary>The console's address.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The administrators' bootstrap key of this run.</summary>
    public string AdminKey { get; private set; } = "";

    /// <summary>An administrator's connection to the cluster (makes tenants and their keys).</summary>
    public DiscoveryClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (ChromiumFactAttribute.Missing is not null)
            return;
        _clusterId = $"console-secure-{Guid.NewGuid():N}";
        // The embedded demo with security on makes up an administrator key for the run and prints it.
        (_silo, _gateway, Url) = ConsoleFixture.StartSilo(_clusterId, "--security", "true");
        var line = await _silo.WaitForLineAsync(AdminKeyLine, ConsoleFixture.StartTimeout);
        AdminKey = line[(line.IndexOf(AdminKeyLine, StringComparison.Ordinal) + AdminKeyLine.Length)..].Trim();
        Admin = await ConnectAsync(AdminKey);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ConsoleFixture.ChromiumPath,
            Headless = true,
            Args = ConsoleFixture.ChromiumArgs,
        });
    }

    /// <summary>A connection to the cluster that calls with <paramref name="credential"/>.</summary>
    public Task<DiscoveryClient> ConnectAsync(string credential) =>
        DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Gateways = [_gateway], ClusterId = _clusterId, Credential = credential });

    /// <summary>A browser of its own (fresh cookies) for one user.</summary>
    public async Task<IBrowserContext> NewUserAsync()
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    /// <summary>Opens <paramref name="path"/> of the console in a new tab of <paramref name="user"/>.</summary>
    public async Task<IPage> OpenAsync(IBrowserContext user, string path)
    {
        var page = await user.NewPageAsync();
        await page.GotoAsync($"{Url}/{path.TrimStart('/')}");
        return page;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (Admin is not null)
            await Admin.DisposeAsync();
        if (_silo is not null)
            await _silo.DisposeAsync();
    }
}
