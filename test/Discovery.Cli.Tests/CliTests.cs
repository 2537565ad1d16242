using System.Reflection;
using System.Text.Json;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Cli;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Xunit;

namespace Discovery.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<SdkClusterFixture>
{
    public const string Name = "cli cluster";
}

/// <summary>The real <c>discovery</c> command, run in-process against the three-site test cluster.</summary>
[Collection(CliCollection.Name)]
public sealed class CliTests(SdkClusterFixture fixture)
{
    private static readonly string Samples = typeof(CliTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Samples").Value!;
    private readonly string _tenant = $"cli-{Guid.NewGuid():N}"[..12];

    private sealed record Run(int Exit, string Out, string Err);

    private async Task<Run> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await CliApp.RunAsync(["--tenant", _tenant, .. args], output, error, (_, _) => Task.FromResult(fixture.Sdk));
        return new Run(exit, output.ToString(), error.ToString());
    }

    private async Task<string> NodeAsync(string site, string name, int cpus = 8, long memoryMiB = 16384)
    {
        var id = $"{site}/{name}-{_tenant}";
        await fixture.Client.GetGrain<INodeGrain>(id).RegisterAsync(new NodeSpec(cpus, memoryMiB));
        return id;
    }

    [Fact]
    public async Task The_readme_walkthrough_creates_deploys_and_shows_the_sample_three_tier_ve()
    {
        await fixture.Client.GetGrain<IImageGrain>("debian-12").RegisterAsync(new ImageInfo(4, "Debian 12"));
        var (a, b) = (await NodeAsync("lyon", "a"), await NodeAsync("lyon", "b"));

        var created = await RunAsync("ve", "create", "-f", Path.Combine(Samples, "three-tier.yaml"));
        Assert.True(created.Exit == 0, created.Err);
        Assert.Contains($"VE {_tenant}/three-tier: Configured", created.Out);

        var deployed = await RunAsync("ve", "deploy", "three-tier", "--near", "lyon");
        Assert.True(deployed.Exit == 0, deployed.Err);
        Assert.Contains("deploy", deployed.Err); // progress, one line per step, on stderr

        var shown = await RunAsync("ve", "show", "three-tier");
        Assert.Equal(0, shown.Exit);
        var rows = shown.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"VE {_tenant}/three-tier: Running, near lyon", rows[0]);
        Assert.Matches(@"^VM\s+STATE\s+NODE\s+SITE\s+RTT MS$", rows[1]);
        foreach (var vm in new[] { "web-1", "web-2", "app", "db" })
            Assert.Matches($@"(?m)^{vm}\s+Running\s+lyon/\S+\s+lyon\s+\d+\.\d$", shown.Out);

        var json = await RunAsync("ve", "show", "three-tier", "-o", "json");
        using var document = JsonDocument.Parse(json.Out);
        var vms = document.RootElement.GetProperty("vms").EnumerateArray().ToList();
        Assert.Equal(4, vms.Count);
        Assert.All(vms, v => Assert.Equal("lyon", v.GetProperty("site").GetString()));
        Assert.All(vms, v => Assert.Equal("Running", v.GetProperty("state").GetString()));
        Assert.Equal(vms.Single(v => v.GetProperty("vm").GetString() == "app").GetProperty("node").GetString(),
            vms.Single(v => v.GetProperty("vm").GetString() == "db").GetProperty("node").GetString());
        Assert.Contains(vms.Select(v => v.GetProperty("node").GetString()), n => n == a || n == b);

        Assert.Equal(0, (await RunAsync("ve", "suspend", "three-tier")).Exit);
        Assert.Contains("Suspended", (await RunAsync("vm", "ls", "--ve", "three-tier")).Out);
        var listed = await RunAsync("ve", "ls", "-o", "json");
        Assert.Equal([$"{_tenant}/three-tier"], JsonDocument.Parse(listed.Out).RootElement.EnumerateArray().Select(v => v.GetProperty("id").GetString()));
        Assert.Equal(0, (await RunAsync("ve", "rm", "three-tier")).Exit);
        Assert.Equal(1, (await RunAsync("ve", "show", "three-tier")).Exit);
    }

    [Fact]
    public async Task Sites_nodes_and_the_nearest_nodes_print_as_tables_and_as_json()
    {
        var node = await NodeAsync("paris", "n");
        var sites = await RunAsync("sites", "-o", "json");
        Assert.Equal(0, sites.Exit);
        Assert.Equal(SiteClusterFixture.Sites.Order(), JsonDocument.Parse(sites.Out).RootElement.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var table = await RunAsync("sites");
        Assert.Matches(@"(?m)^rennes\s+1\s+0\s+48\.12\s+-1\.68$", table.Out);

        var nodes = await RunAsync("nodes", "--site", "paris");
        Assert.Equal(0, nodes.Exit);
        Assert.Matches($@"(?m)^{node}\s+Up\s+0/8\s+0/16384\s+8\s+16384$", nodes.Out);
        var nearest = await RunAsync("nodes", "nearest", "paris", "-k", "1", "-o", "json");
        Assert.Equal(0, nearest.Exit);
        Assert.Single(JsonDocument.Parse(nearest.Out).RootElement.GetProperty("nodes").EnumerateArray());
    }

    [Fact]
    public async Task Draining_a_node_prints_each_move_and_the_report()
    {
        var (a, b) = (await NodeAsync("rennes", "a"), await NodeAsync("rennes", "b"));
        var vm = fixture.Client.GetGrain<Abstractions.VirtualMachines.IVmGrain>($"{_tenant}/solo");
        await vm.DefineAsync(new Abstractions.VirtualMachines.VmSpec(1, 512), a);
        await vm.StartAsync();

        var drained = await RunAsync("node", "drain", a);

        Assert.True(drained.Exit == 0, drained.Err);
        Assert.Matches($@"(?m)^{_tenant}/solo\s+rennes/\S+", drained.Out);
        Assert.Equal(NodeStatus.Maintenance, (await fixture.Client.GetGrain<INodeGrain>(a).GetInfoAsync()).Status);
        Assert.Equal(0, (await RunAsync("node", "up", a)).Exit);
        Assert.Equal(NodeStatus.Up, (await fixture.Client.GetGrain<INodeGrain>(a).GetInfoAsync()).Status);
        _ = b;
    }

    [Fact]
    public async Task Events_follow_prints_what_happens_and_stops_after_count()
    {
        var node = await NodeAsync("lyon", "ev");
        var following = RunAsync("events", "--site", "lyon", "--follow", "--count", "1", "-o", "json");
        // Status changes until the follower, once subscribed, has printed one and exited.
        await Eventually.HoldsAsync(async () =>
        {
            await fixture.Client.GetGrain<INodeGrain>(node).SetStatusAsync(NodeStatus.Maintenance);
            await fixture.Client.GetGrain<INodeGrain>(node).SetStatusAsync(NodeStatus.Up);
            return following.IsCompleted;
        }, "the follower to print an event and stop");

        var run = await following.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, run.Exit);
        Assert.Equal("lyon", JsonDocument.Parse(run.Out).RootElement.GetProperty("site").GetString());
    }

    [Fact]
    public async Task An_image_is_imported_listed_shown_with_its_replicas_and_removed()
    {
        var file = Path.Combine(Path.GetTempPath(), $"{_tenant}.img");
        var content = new byte[1 << 20];
        new Random(7).NextBytes(content);
        await File.WriteAllBytesAsync(file, content);
        var name = $"{_tenant}-disk";

        var imported = await RunAsync("image", "import", file, "--name", name);
        Assert.True(imported.Exit == 0, imported.Err);
        Assert.Contains($"image {name}: Ready, raw, {content.Length} bytes", imported.Out);

        var shown = await RunAsync("image", "show", name, "-o", "json");
        Assert.Equal(0, shown.Exit);
        var details = JsonDocument.Parse(shown.Out).RootElement;
        Assert.Equal(_tenant, details.GetProperty("owner").GetString());
        Assert.Equal(2, details.GetProperty("replicasBySite").EnumerateObject().Count());
        Assert.Matches($@"(?m)^{name}\s+{_tenant}\s+Ready\s+raw\s+1\.0\s+\d+", (await RunAsync("image", "ls")).Out);

        var clash = await RunAsync("image", "import", file, "--name", name);
        Assert.Equal(CliApp.Failed, clash.Exit);
        Assert.Contains("taken", clash.Err);
        Assert.Equal(CliApp.UsageError, (await RunAsync("image", "import", "/nonexistent.img")).Exit);

        Assert.Equal(0, (await RunAsync("image", "rm", name)).Exit);
        var gone = await RunAsync("image", "show", name);
        Assert.Equal(CliApp.Failed, gone.Exit);
    }

    [Fact]
    public async Task A_vms_load_can_be_set_and_given_back_to_the_workload_model()
    {
        await NodeAsync("paris", "load1");
        await NodeAsync("paris", "load2");
        Assert.Equal(0, (await RunAsync("ve", "create", "-f", Path.Combine(Samples, "three-tier.yaml"), "--name", "busy")).Exit);
        await fixture.Client.GetGrain<IImageGrain>("debian-12").RegisterAsync(new ImageInfo(4, "Debian 12"));
        Assert.Equal(0, (await RunAsync("ve", "deploy", "busy", "--near", "paris")).Exit);

        var set = await RunAsync("vm", "load", "busy/db", "--cpu", "3.5", "-o", "json");
        Assert.True(set.Exit == 0, set.Err);
        Assert.Equal(3.5, JsonDocument.Parse(set.Out).RootElement.GetProperty("cpuDemand").GetDouble());
        Assert.Equal(3.5, (await fixture.Client.GetGrain<Abstractions.VirtualMachines.IVmGrain>($"{_tenant}/busy/db").GetInfoAsync()).CpuDemand);

        var back = await RunAsync("vm", "load", "busy/db", "--model");
        Assert.Matches(@"(?m)^\S+/busy/db\s+\S+\s+Running\s+model$", back.Out);
        var tooMuch = await RunAsync("vm", "load", "busy/db", "--cpu", "9");
        Assert.Equal(CliApp.UsageError, tooMuch.Exit);
        Assert.Contains("between 0 and its 4 vCPUs", tooMuch.Err);
    }

    [Fact]
    public async Task Vm_show_prints_a_protected_vm_started_again_on_another_node_as_its_next_generation()
    {
        var (a, b) = (await NodeAsync("rennes", "ha1"), await NodeAsync("rennes", "ha2"));
        var ves = fixture.Sdk.VirtualEnvironments;
        await ves.CreateAsync($"{_tenant}/guarded", new VeSpec([new VmTemplate("db", 1, 512, Ha: HaMode.Restart)], [new Fence([], [a, b])]));
        var first = (await ves.DeployAsync($"{_tenant}/guarded", Locality.NearSite("rennes"))).Vm("db").Node!;
        var other = first == a ? b : a;

        var before = await RunAsync("vm", "show", "guarded/db");
        Assert.True(before.Exit == 0, before.Err);
        Assert.Matches(@"^VM\s+STATE\s+NODE\s+GENERATION\s+SNAPSHOT AT\s+RESTORED FROM\s+STANDBY\r?\n", before.Out);
        Assert.Matches($@"(?m)^{_tenant}/guarded/db\s+Running\s+{first}\s+0\s+-\s+-\s+-$", before.Out); // no snapshot, no standby

        await fixture.Client.GetGrain<INodeGrain>(first).FailAsync();
        await Eventually.HoldsAsync(async () => (await ves.GetVmAsync($"{_tenant}/guarded", "db")) is { State: VmState.Running, Generation: 1 },
            "db to run again as generation 1");

        var after = await RunAsync("vm", "show", $"{_tenant}/guarded/db", "-o", "json");
        Assert.True(after.Exit == 0, after.Err);
        var json = JsonDocument.Parse(after.Out).RootElement;
        Assert.Equal((other, 1L, "Running"), (json.GetProperty("node").GetString(), json.GetProperty("generation").GetInt64(), json.GetProperty("state").GetString()));
        var missing = await RunAsync("vm", "show", "guarded/web");
        Assert.Equal(CliApp.Failed, missing.Exit);
        Assert.Contains($"there is no VM '{_tenant}/guarded/web'", missing.Err);
    }

    [Theory]
    [InlineData(new[] { "vm", "load", "busy/db" }, "give either --cpu VCPUS or --model")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new[] { "ve", "show" }, "ve")]
    [InlineData(new[] { "ve", "deploy", "x", "--near", "1,two" }, "'two' is not a number")]
    [InlineData(new[] { "vm", "ls" }, "give either --ve VE or --node NODE")]
    [InlineData(new[] { "sites", "-o", "xml" }, "xml")]
    [InlineData(new[] { "events" }, "--follow")]
    public async Task A_wrong_command_line_is_a_usage_error_that_says_what_is_wrong(string[] args, string expected)
    {
        var run = await RunAsync(args);

        Assert.Equal(CliApp.UsageError, run.Exit);
        Assert.Contains(expected, run.Err);
    }

    [Fact]
    public async Task A_malformed_spec_file_points_at_its_line_and_field()
    {
        var file = Path.Combine(Path.GetTempPath(), $"{_tenant}.yaml");
        await File.WriteAllTextAsync(file, "vms:\n  - name: web\n    vcpus: lots\n    memoryMiB: 512\n");

        var run = await RunAsync("ve", "create", "-f", file);

        Assert.Equal(CliApp.UsageError, run.Exit);
        Assert.Contains($"{_tenant}.yaml:3:", run.Err);
        Assert.Contains("vms[0].vcpus", run.Err);
    }

    [Fact]
    public async Task Unknown_names_fail_the_operation_and_suggest_close_ones()
    {
        await NodeAsync("lyon", "s");
        Assert.Equal(0, (await RunAsync("ve", "create", "-f", Path.Combine(Samples, "three-tier.yaml"), "--name", "shop")).Exit);

        var ve = await RunAsync("ve", "show", "shpo");
        Assert.Equal(CliApp.Failed, ve.Exit);
        Assert.Contains($"did you mean '{_tenant}/shop'", ve.Err);

        var site = await RunAsync("nodes", "--site", "lyonn");
        Assert.Equal(CliApp.Failed, site.Exit);
        Assert.Contains("did you mean 'lyon'", site.Err);
    }
}
