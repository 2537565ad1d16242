using System.Text.RegularExpressions;
using Discovery.Abstractions.Environments;
using Discovery.Client;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Discovery.Dashboard.Tests.Browser;

/// <summary>
/// The console of a cluster running with security: the login page, what tenants and administrators see, and that the
/// calls made for a user carry that user's credential (the silo's audit log names them).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class LoginTests(SecuredConsoleFixture fixture) : IClassFixture<SecuredConsoleFixture>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToContainTextOptions PatientlyContains = new() { Timeout = 30_000 };

    private static string NewTenant(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..10];

    [GeneratedRegex("/login")]
    private static partial Regex LoginPage();

    private static async Task LogInAsync(IPage page, string credential)
    {
        await page.Locator("[data-test=credential]").FillAsync(credential);
        await page.ClickAsync("[data-test=login]");
    }

    // A tenant with one deployed VE, made by the administrator; returns the tenant's API key.
    private async Task<string> TenantWithVeAsync(string tenant, string ve)
    {
        var key = (await fixture.Admin.Identity.CreateTenantAsync(tenant)).Credential;
        await using var client = await fixture.ConnectAsync(key);
        await client.VirtualEnvironments.CreateAsync($"{tenant}/{ve}", new VeSpec([new VmTemplate("web", 1, 512)]));
        await client.VirtualEnvironments.DeployAsync($"{tenant}/{ve}");
        return key;
    }

    // A new tenant, logged in in a browser of its own; the caller disposes the browser.
    private async Task<(string Tenant, string Key, IBrowserContext User, IPage Page)> LoggedInTenantAsync(string prefix)
    {
        var tenant = NewTenant(prefix);
        var key = (await fixture.Admin.Identity.CreateTenantAsync(tenant)).Credential;
        var user = await fixture.NewUserAsync();
        var page = await fixture.OpenAsync(user, "login");
        await LogInAsync(page, key);
        await Expect(page.Locator("[data-test=user]")).ToHaveTextAsync($"tenant:{tenant}", Patiently);
        return (tenant, key, user, page);
    }

    [ChromiumFact]
    public async Task A_wrong_revoked_or_forged_credential_is_refused_on_the_login_page_saying_what_is_wrong()
    {
        var tenant = NewTenant("w");
        var issued = await fixture.Admin.Identity.CreateTenantAsync(tenant);
        var revoked = await fixture.Admin.Identity.IssueKeyAsync(tenant);
        await fixture.Admin.Identity.RevokeKeyAsync(revoked.KeyId);
        await using var user = await fixture.NewUserAsync();
        var page = await fixture.OpenAsync(user, "ves");
        await Expect(page).ToHaveURLAsync(LoginPage());
        await ConsoleFixture.ScreenshotAsync(page, "login");

        var error = page.Locator("[data-test=login-error]");
        // The right key's id with another secret: what someone guessing or tampering would send.
        await LogInAsync(page, issued.Credential[..^4] + (issued.Credential.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"));
        await Expect(error).ToContainTextAsync($"API key {issued.KeyId} is unknown, revoked or expired", PatientlyContains);
        await ConsoleFixture.ScreenshotAsync(page, "login-refused");
        await LogInAsync(page, revoked.Credential);
        await Expect(error).ToContainTextAsync($"API key {revoked.KeyId} is unknown, revoked or expired", PatientlyContains);
        await LogInAsync(page, "let-me-in");
        await Expect(error).ToContainTextAsync("neither an API key", PatientlyContains);

        Assert.DoesNotContain(" at Discovery.", await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page).ToHaveURLAsync(LoginPage());
        Assert.DoesNotContain(await user.CookiesAsync(), c => c.Name == "discovery.console");
    }

    [ChromiumFact]
    public async Task A_tenant_sees_its_own_ves_only_and_the_silo_refuses_it_another_tenants_ve()
    {
        var (a, b) = (NewTenant("a"), NewTenant("b"));
        var keyA = await TenantWithVeAsync(a, "shop");
        await TenantWithVeAsync(b, "shop");
        await using var user = await fixture.NewUserAsync();
        var page = await fixture.OpenAsync(user, "ves");
        await LogInAsync(page, keyA);

        await Expect(page.Locator("[data-test=ve-name]")).ToHaveTextAsync([$"{a}/shop"], Patiently);
        await Expect(page.Locator("[data-test=user]")).ToHaveTextAsync($"tenant:{a}");
        await Expect(page.Locator("[data-test=nav-ves]")).ToHaveCountAsync(1);
        foreach (var adminOnly in new[] { "nav-nodes", "nav-map", "nav-events" })
            await Expect(page.Locator($"[data-test={adminOnly}]")).ToHaveCountAsync(0);
        await ConsoleFixture.ScreenshotAsync(page, "ves-tenant");

        // Asked for by address, B's VE is refused by the silo, not hidden by the page: the audit log names A.
        var other = await fixture.OpenAsync(user, $"ves/{b}/shop");
        await Expect(other.Locator(".mud-alert").Filter(new() { HasText = $"VE {b}/shop belongs to another tenant" })).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var audit = await fixture.Admin.Identity.AuditAsync(1000);
        Assert.Contains(audit, e => e.Caller == $"tenant:{a}" && e.Operation.Contains($"{b}/shop", StringComparison.Ordinal));

        var home = await fixture.OpenAsync(user, "");
        await Expect(home.Locator("[data-test=tile-tenant-ves]")).ToHaveTextAsync("1", Patiently);
        await Expect(home.Locator("[data-test=tile-tenant-vms]")).ToHaveTextAsync("1", Patiently);
    }

    [ChromiumFact]
    public async Task A_tenant_cannot_open_the_infrastructure_pages_by_their_address()
    {
        var (tenant, _, user, _) = await LoggedInTenantAsync("n");
        await using var _user = user;

        foreach (var path in new[] { "nodes", "nodes/paris/node-1", "map", "events" })
        {
            var denied = await fixture.OpenAsync(user, path);
            await Expect(denied.Locator("[data-test=denied]")).ToContainTextAsync($"you are logged in as tenant:{tenant}", PatientlyContains);
            await Expect(denied.Locator("[data-test=node-name]")).ToHaveCountAsync(0);
            await Expect(denied.Locator("[data-test=map-node]")).ToHaveCountAsync(0);
            if (path == "nodes")
                await ConsoleFixture.ScreenshotAsync(denied, "denied");
        }
    }

    [ChromiumFact]
    public async Task An_administrator_sees_the_nodes_and_every_tenants_ves()
    {
        var (a, b) = (NewTenant("c"), NewTenant("d"));
        await TenantWithVeAsync(a, "web");
        await TenantWithVeAsync(b, "web");
        await using var user = await fixture.NewUserAsync();
        var page = await fixture.OpenAsync(user, "nodes");
        await LogInAsync(page, fixture.AdminKey);

        await Expect(page.Locator("[data-test=node-name]")).ToHaveCountAsync(ConsoleFixture.Sites.Count * ConsoleFixture.NodesPerSite, new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-test=user]")).ToHaveTextAsync("admin:admin");
        await Expect(page.Locator("[data-test=nav-nodes]")).ToHaveCountAsync(1);

        var ves = await fixture.OpenAsync(user, "ves");
        await Expect(ves.Locator("[data-test=ve-name]").Filter(new() { HasText = $"{a}/web" })).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(ves.Locator("[data-test=ve-name]").Filter(new() { HasText = $"{b}/web" })).ToHaveCountAsync(1);
    }

    [ChromiumFact]
    public async Task Logging_out_ends_the_session_so_its_cookie_opens_nothing_any_more()
    {
        var (_, key, user, page) = await LoggedInTenantAsync("l");
        await using var _user = user;
        var cookies = await user.CookiesAsync();
        Assert.NotEmpty(cookies);
        Assert.DoesNotContain(cookies, c => c.Value.Contains(key, StringComparison.Ordinal));

        await page.ClickAsync("[data-test=logout]");

        await Expect(page).ToHaveURLAsync(LoginPage());
        var again = await fixture.OpenAsync(user, "ves");
        await Expect(again).ToHaveURLAsync(LoginPage());
        // The old cookie, replayed, no longer names a session.
        await using var replay = await fixture.NewUserAsync();
        await replay.AddCookiesAsync(cookies.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
        var replayed = await fixture.OpenAsync(replay, "ves");
        await Expect(replayed).ToHaveURLAsync(LoginPage());
    }
}
