using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace Discovery.Dashboard.Tests.Browser;

/// <summary>
/// The console in a real browser against a real cluster running without security (everyone is an administrator);
/// each test saves a screenshot of its page.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ConsoleTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 30_000 };
    private readonly string _tenant = $"t{Guid.NewGuid():N}"[..9];

    private static string Req() => Guid.NewGuid().ToString("N");

    // MudBlazor puts a text field's attributes on its <input> (or, in some versions, on a wrapper around it).
    private static string Input(string test) => $"input[data-test={test}], [data-test={test}] input";

    private async Task<(IVeGrain Ve, VeInfo Placed)> DeployAsync(string name, string site, int count, params PlacementConstraint[] constraints)
    {
        var ve = fixture.Client.Grains.GetGrain<IVeGrain>($"{_tenant}/{name}");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 1024, Count: count)], constraints), Req());
        return (ve, await ve.DeployAsync(Req(), Locality.NearSite(site)));
    }

    [ChromiumFact]
    public async Task Without_security_the_console_needs_no_login_and_says_security_is_off()
    {
        var page = await fixture.OpenAsync("nodes");

        await Expect(page.Locator("[data-test=security-off]")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-test=nav-nodes]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-test=logout]")).ToHaveCountAsync(0);
        var login = await fixture.OpenAsync("login");
        await Expect(login.Locator("[data-test=security-off]")).ToContainTextAsync("without security");
    }

    [ChromiumFact]
    public async Task The_overview_counts_the_sites_nodes_and_vms_the_cluster_has()
    {
        await DeployAsync("overview", "rennes", 2);
        var vms = 0;
        foreach (var site in ConsoleFixture.Sites)
            foreach (var node in await fixture.Client.Grains.GetGrain<ISiteGrain>(site).GetNodeNamesAsync())
                vms += (await fixture.Client.Grains.GetGrain<INodeGrain>($"{site}/{node}").GetInfoAsync()).Vms?.Count ?? 0;

        var page = await fixture.OpenAsync("/");

        await Expect(page.Locator("[data-test=tile-sites]")).ToHaveTextAsync("3 / 3", Patiently);
        await Expect(page.Locator("[data-test=tile-nodes]")).ToHaveTextAsync($"{ConsoleFixture.Sites.Count * ConsoleFixture.NodesPerSite}", Patiently);
        await Expect(page.Locator("[data-test=tile-vms]")).ToHaveTextAsync($"{vms}", Patiently);
        await Expect(page.Locator("[data-test=site-row]")).ToHaveCountAsync(ConsoleFixture.Sites.Count);
        await Expect(page.Locator("[data-test=health]")).ToContainTextAsync("3/3 sites up", new() { Timeout = 30_000 });
        await ConsoleFixture.ScreenshotAsync(page, "overview");
    }

    [ChromiumFact]
    public async Task The_map_draws_one_point_per_node()
    {
        var page = await fixture.OpenAsync("map");

        await Expect(page.Locator("[data-test=map-node]")).ToHaveCountAsync(ConsoleFixture.Sites.Count * ConsoleFixture.NodesPerSite, new() { Timeout = 30_000 });
        var nodes = await page.Locator("[data-test=map-node]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.node)");
        Assert.Equal(ConsoleFixture.Sites.SelectMany(s => Enumerable.Range(1, ConsoleFixture.NodesPerSite).Select(i => $"{s}/node-{i}")), nodes.Order());
        await ConsoleFixture.ScreenshotAsync(page, "map");
    }

    [ChromiumFact]
    public async Task A_ve_on_the_map_outlines_its_hosts_with_lines_from_where_it_was_requested()
    {
        var (_, placed) = await DeployAsync("map", "paris", 2, new Spread([]));
        var hosts = placed.Vms.Select(v => v.Node!).ToHashSet();
        Assert.Equal(2, hosts.Count);

        var page = await fixture.OpenAsync($"ves/{_tenant}/map");
        await page.ClickAsync("[data-test=ve-map-link]");

        await Expect(page.Locator("[data-test=map-requester]")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-test=map-line]")).ToHaveCountAsync(2);
        var outlined = await page.Locator("[data-test=map-node].highlight").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.node)");
        Assert.Equal(hosts.Order(), outlined.Order());
        await ConsoleFixture.ScreenshotAsync(page, "map-ve");
    }

    [ChromiumFact]
    public async Task Draining_a_node_moves_its_vm_to_the_other_node_of_its_site_and_the_page_shows_it()
    {
        var (ve, placed) = await DeployAsync("drain", "paris", 1, new Fence([], ["paris"]));
        var host = placed.Vm("web").Node!;
        var page = await fixture.OpenAsync($"nodes/{host}");
        await Expect(page.Locator($"[data-test=node-vm][data-vm='{_tenant}/drain/web']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });

        await page.ClickAsync("[data-test=drain]");

        await Expect(page.Locator("[data-test=drain-result]")).ToContainTextAsync("Drained", new() { Timeout = 60_000 });
        await Expect(page.Locator($"[data-test=node-vm][data-vm='{_tenant}/drain/web']")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-test=status]").First).ToHaveTextAsync("Maintenance", Patiently);
        var after = await ve.LocateAsync();
        Assert.NotEqual(host, after.Vm("web").Node);
        Assert.Equal(("paris", VmState.Running), (after.Vm("web").Site, after.Vm("web").State));
        await ConsoleFixture.ScreenshotAsync(page, "node-drained");

        await page.ClickAsync("[data-test=bring-back]");
        await Expect(page.Locator("[data-test=status]").First).ToHaveTextAsync("Up", Patiently);
        Assert.Equal(NodeStatus.Up, (await fixture.Client.Grains.GetGrain<INodeGrain>(host).GetInfoAsync()).Status);
    }

    [ChromiumFact]
    public async Task Failing_a_node_in_a_drill_takes_it_down_and_the_page_shows_its_protected_vm_running_on_another_node()
    {
        var ve = fixture.Client.Grains.GetGrain<IVeGrain>($"{_tenant}/drill");
        await ve.ConfigureAsync(new VeSpec([new VmTemplate("web", 1, 1024, Ha: HaMode.Restart)], [new Fence([], ["lyon"])]), Req());
        var host = (await ve.DeployAsync(Req(), Locality.NearSite("lyon"))).Vm("web").Node!;
        var page = await fixture.OpenAsync($"nodes/{host}");
        var row = page.Locator($"[data-test=node-vm][data-vm='{_tenant}/drill/web']");
        await Expect(row.Locator("[data-test=vm-runs-on]")).ToHaveTextAsync("here", Patiently);
        try
        {
            await page.ClickAsync("[data-test=fail-node]");

            await Expect(page.Locator("[data-test=status]").First).ToHaveTextAsync("Down", Patiently);
            await Expect(row.Locator("[data-test=vm-runs-on]")).ToContainTextAsync("now there, generation 1", new() { Timeout = 60_000 });
            await Expect(row.Locator("[data-test=vm-state]")).ToHaveTextAsync("Running", Patiently);
            var after = (await ve.LocateAsync()).Vm("web");
            Assert.Equal(("lyon", VmState.Running), (after.Site, after.State));
            Assert.NotEqual(host, after.Node);
            await ConsoleFixture.ScreenshotAsync(page, "node-failed");
        }
        finally
        {
            // The other tests share these nodes: the failed one comes back, empty, as a repaired machine would.
            await fixture.Client.Grains.GetGrain<INodeGrain>(host).SetStatusAsync(NodeStatus.Up);
        }
        await Expect(page.Locator("[data-test=status]").First).ToHaveTextAsync("Up", Patiently);
    }

    [ChromiumFact]
    public async Task Repairing_a_degraded_ve_from_its_page_starts_its_failed_vm_again_on_another_node()
    {
        var (ve, placed) = await DeployAsync("repair", "lyon", 1, new Fence([], ["lyon"])); // web is not protected
        var host = placed.Vm("web").Node!;
        var page = await fixture.OpenAsync($"ves/{_tenant}/repair");
        var row = page.Locator("[data-test=ve-vm][data-vm=web]");
        await Expect(row.Locator("[data-test=vm-state]")).ToHaveTextAsync("Running", Patiently);
        try
        {
            await fixture.Client.Grains.GetGrain<INodeGrain>(host).FailAsync();
            await Expect(page.Locator("[data-test=ve-status]")).ToHaveTextAsync("Degraded", Patiently);
            await Expect(row.Locator("[data-test=vm-state]")).ToHaveTextAsync("Failed", Patiently);

            await page.ClickAsync("[data-test=ve-repair]");

            await Expect(row.Locator("[data-test=vm-state]")).ToHaveTextAsync("Running", Patiently);
            await Expect(page.Locator("[data-test=ve-status]")).ToHaveTextAsync("Running", Patiently);
            await Expect(page.Locator("[data-test=ve-repair]")).ToHaveCountAsync(0);
            var after = (await ve.LocateAsync()).Vm("web");
            Assert.Equal(("lyon", VmState.Running), (after.Site, after.State));
            Assert.NotEqual(host, after.Node);
            await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(after.Node!);
        }
        finally
        {
            // The other tests share these nodes: the failed one comes back, empty, as a repaired machine would.
            await fixture.Client.Grains.GetGrain<INodeGrain>(host).SetStatusAsync(NodeStatus.Up);
        }
    }

    [ChromiumFact]
    public async Task Suspending_a_vm_from_its_ve_page_suspends_it_and_the_page_shows_the_new_state()
    {
        var (_, placed) = await DeployAsync("suspend", "lyon", 2);
        var page = await fixture.OpenAsync($"ves/{_tenant}/suspend");
        var row = page.Locator("[data-test=ve-vm][data-vm=web-1]");
        await Expect(row.Locator("[data-test=vm-state]")).ToHaveTextAsync("Running", Patiently);

        await row.Locator("[data-test=vm-suspend]").ClickAsync();

        await Expect(row.Locator("[data-test=vm-state]")).ToHaveTextAsync("Suspended", Patiently);
        await Expect(page.Locator("[data-test=ve-vm][data-vm=web-2]").Locator("[data-test=vm-state]")).ToHaveTextAsync("Running");
        Assert.Equal(VmState.Suspended, (await fixture.Client.Grains.GetGrain<IVmGrain>($"{_tenant}/suspend/web-1").GetInfoAsync()).State);
        Assert.Equal(placed.Vm("web-1").Node, (await fixture.Client.Grains.GetGrain<IVmGrain>($"{_tenant}/suspend/web-1").GetInfoAsync()).Node);
        await ConsoleFixture.ScreenshotAsync(page, "ve");
    }

    [ChromiumFact]
    public async Task Relocating_a_vm_moves_it_near_the_chosen_site_and_a_refusal_names_the_constraint()
    {
        var (ve, _) = await DeployAsync("relocate", "rennes", 1);
        var (_, _) = await DeployAsync("rooted", "rennes", 1, new Root([]));
        var page = await fixture.OpenAsync($"ves/{_tenant}/relocate");
        await RelocateAsync(page, "web", "lyon");
        await Expect(page.Locator("[data-test=ve-vm][data-vm=web] td").Nth(3)).ToHaveTextAsync("lyon", Patiently);
        Assert.Equal("lyon", (await ve.LocateAsync()).Vm("web").Site);

        var rooted = await fixture.OpenAsync($"ves/{_tenant}/rooted");
        await RelocateAsync(rooted, "web", "lyon");
        await Expect(rooted.Locator("[data-test=ve-problem]")).ToContainTextAsync("Root(all): web never migrates", new() { Timeout = 30_000 });
        await ConsoleFixture.ScreenshotAsync(rooted, "ve-refused");
    }

    private static async Task RelocateAsync(IPage page, string vm, string site)
    {
        var row = page.Locator($"[data-test=ve-vm][data-vm={vm}]");
        await row.Locator(".relocate-site").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = site }).ClickAsync();
        await row.Locator("[data-test=vm-relocate]").ClickAsync();
    }

    [ChromiumFact]
    public async Task The_images_page_shows_each_images_dedup_and_the_sites_holding_its_chunks()
    {
        var content = new byte[1 << 20];
        new Random(11).NextBytes(content);
        var imported = await fixture.Client.Images.ImportAsync($"{_tenant}-disk", new MemoryStream(content), "disk.img", _tenant);

        var page = await fixture.OpenAsync("images");

        var row = page.Locator($"[data-test=image-row][data-image={_tenant}-disk]");
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        var sites = await row.Locator("[data-test=replica]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.site)");
        Assert.Equal(imported.ReplicasBySite.Keys.Order(), sites.Order());
        Assert.Equal(2, sites.Length);
        await ConsoleFixture.ScreenshotAsync(page, "images");
    }

    [ChromiumFact]
    public async Task An_overloaded_node_moves_a_vm_to_its_neighbour_and_the_event_feed_shows_the_procedure()
    {
        var events = await fixture.OpenAsync("events");
        await events.Locator(Input("event-filter")).FillAsync("scheduling");
        var vms = new List<IVmGrain>();
        foreach (var name in new[] { "hot-1", "hot-2", "hot-3" })
        {
            var vm = fixture.Client.Grains.GetGrain<IVmGrain>($"{_tenant}/{name}");
            await vm.DefineAsync(new VmSpec(6, 2048), "paris/node-1");
            await vm.StartAsync();
            vms.Add(vm);
        }

        foreach (var vm in vms)
            await vm.SetCpuDemandAsync(6); // 18 vCPUs of demand on 16

        // The move itself, read from the grains; on failure the message says what node-1's scheduler is doing.
        var scheduler = fixture.Client.Grains.GetGrain<Discovery.Abstractions.Scheduling.ISchedulerGrain>("paris/node-1");
        var hosts = new List<string?>();
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                hosts = [.. await Task.WhenAll(vms.Select(async vm => (await vm.GetInfoAsync()).Node))];
                return hosts.Count(h => h == "paris/node-1") == 2;
            }, "a VM to leave paris/node-1", TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; its scheduler: {await scheduler.GetStatusAsync()}; " +
                $"feed: {string.Join(" | ", await events.Locator("[data-test=event-row]").AllInnerTextsAsync())}");
        }
        await Expect(events.Locator("[data-test=event-row]").Filter(new() { HasText = "paris/node-1 resolved" })).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        // One VM moved to one of node-1's nearest neighbours: a node of its own site (which one depends on the
        // coordinates and on what the other tests left on them).
        Assert.Equal(2, hosts.Count(h => h == "paris/node-1"));
        Assert.Single(hosts, h => h != "paris/node-1" && h!.StartsWith("paris/", StringComparison.Ordinal));
        await ConsoleFixture.ScreenshotAsync(events, "scheduling-events");
    }

    [ChromiumFact]
    public async Task The_node_table_filters_on_the_server_and_the_event_feed_shows_what_happens()
    {
        var page = await fixture.OpenAsync("nodes");
        await Expect(page.Locator("[data-test=node-name]")).ToHaveCountAsync(ConsoleFixture.Sites.Count * ConsoleFixture.NodesPerSite, new() { Timeout = 30_000 });
        await page.Locator(Input("node-filter")).FillAsync("rennes");
        await Expect(page.Locator("[data-test=node-name]")).ToHaveCountAsync(ConsoleFixture.NodesPerSite, new() { Timeout = 30_000 });
        await ConsoleFixture.ScreenshotAsync(page, "nodes");

        var events = await fixture.OpenAsync("events");
        await DeployAsync("events", "rennes", 1);
        await events.Locator(Input("event-filter")).FillAsync($"{_tenant}/events");
        await Expect(events.Locator("[data-test=event-row]").First).ToContainTextAsync($"{_tenant}/events/web", new() { Timeout = 30_000 });
        await ConsoleFixture.ScreenshotAsync(events, "events");

        var ves = await fixture.OpenAsync("ves");
        await ves.Locator(Input("ve-filter")).FillAsync(_tenant);
        await Expect(ves.Locator("[data-test=ve-name]")).ToHaveTextAsync([$"{_tenant}/events"], new() { Timeout = 30_000 });
        await ConsoleFixture.ScreenshotAsync(ves, "ves");
    }
}
