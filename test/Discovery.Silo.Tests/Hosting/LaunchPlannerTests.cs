using System.Net;
using System.Net.Sockets;
using Discovery.Silo.Hosting;
using Discovery.Silo.Options;
using Discovery.Testing;
using Xunit;

namespace Discovery.Silo.Tests.Hosting;

public sealed class LaunchPlannerTests
{
    private static LaunchPlan Plan(params string[] args) => LaunchPlanner.Plan(SiloCommandLine.BuildConfiguration(args));

    private static string Problem(params string[] args) => Assert.Throws<ConfigurationProblem>(() => Plan(args)).Message;

    private static string[] FreePortArgs()
    {
        var first = FreePorts.TakeRange(16);
        return ["--silo-port", first.ToString(), "--gateway-port", (first + 8).ToString(), "--console-port", (first + 15).ToString()];
    }

    [Fact]
    public void The_embedded_demo_serves_the_console_on_5080_unless_told_otherwise_and_a_site_silo_only_when_told()
    {
        Assert.Equal(LaunchPlan.DefaultConsolePort, new LaunchPlan(new(), [], "").ConsolePort);
        Assert.Null(Plan([.. FreePortArgs(), "--console-port", "0"]).ConsolePort);
        Assert.Null(new LaunchPlan(new() { Site = "lyon" }, [], "").ConsolePort);
        Assert.Equal(6001, new LaunchPlan(new() { Site = "lyon", ConsolePort = 6001 }, [], "").ConsolePort);
    }

    [Fact]
    public void The_embedded_demo_gives_each_site_its_own_http_port_and_refuses_a_range_that_overlaps_its_silo_ports()
    {
        var args = FreePortArgs();
        var http = FreePorts.TakeRange(8);

        var plan = Plan([.. args, "--http-port", http.ToString()]);

        Assert.Equal(Enumerable.Range(http, plan.Silos.Count).Select(p => (int?)p), plan.Silos.Select(s => s.HttpPort));
        Assert.Contains("move --http-port", Problem([.. args, "--http-port", (int.Parse(args[1]) + 1).ToString()]));
        Assert.Null(Plan([.. FreePortArgs(), "--http-port", "0"]).Silos[0].HttpPort);
    }

    [Fact]
    public void A_console_port_in_use_or_out_of_range_is_refused_with_the_switch_to_use()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        Assert.Contains("--console-port", Problem([.. FreePortArgs(), "--console-port", port.ToString()]));
        Assert.Contains("--console-port 70000 is not a TCP port", Problem([.. FreePortArgs(), "--console-port", "70000"]));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_chunk_key_file_that_is_missing_shared_with_others_or_not_a_key_is_refused_at_start()
    {
        var directory = Directory.CreateTempSubdirectory("discovery-key-").FullName;
        try
        {
            var key = Path.Combine(directory, "chunks.key");
            File.WriteAllBytes(key, new byte[32]);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Equal(key, Plan([.. FreePortArgs(), "--chunk-key-file", key]).Options.Images.KeyFile);

            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            Assert.Contains($"Images:KeyFile: chunk key file '{key}' is readable or writable by other users: chmod 600", Problem([.. FreePortArgs(), "--chunk-key-file", key]));
            Assert.Contains("does not exist (make one: head -c 32 /dev/urandom", Problem([.. FreePortArgs(), "--chunk-key-file", Path.Combine(directory, "none")]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void No_configuration_plans_the_embedded_demo_with_one_silo_per_site()
    {
        var plan = Plan(FreePortArgs());

        Assert.True(plan.IsEmbeddedDemo);
        Assert.Equal(ClusteringKind.Localhost, plan.Options.Clustering);
        Assert.True(plan.Silos.Count >= 3);
        Assert.Equal(plan.Silos.Count, plan.Silos.Select(s => s.Site).Distinct().Count());
        Assert.All(plan.Silos, s => Assert.Equal(plan.Silos[0].SiloPort, s.PrimarySiloPort));
        Assert.Equal(plan.Silos.Count, plan.Silos.Select(s => s.SiloPort).Concat(plan.Silos.Select(s => s.GatewayPort)).Distinct().Count() / 2);
    }

    [Fact]
    public void A_site_switch_plans_a_single_silo_of_that_site()
    {
        var plan = Plan([.. FreePortArgs(), "--site", "lyon"]);

        var silo = Assert.Single(plan.Silos);
        Assert.Equal("lyon", silo.Site);
        Assert.False(plan.IsEmbeddedDemo);
    }

    [Fact]
    public void Unknown_clustering_names_the_valid_kinds() =>
        Assert.Equal("unknown clustering 'etcd': use --clustering localhost (embedded, in memory) or --clustering postgres",
            Problem("--clustering", "etcd"));

    [Fact]
    public void Postgres_without_a_connection_string_says_which_switch_is_missing() =>
        Assert.Contains("needs --connection", Problem("--clustering", "postgres", "--site", "lyon"));

    [Fact]
    public void Postgres_without_a_site_asks_for_one() =>
        Assert.Contains("--site NAME", Problem("--clustering", "postgres", "--connection", "Host=x"));

    [Fact]
    public void A_connection_string_without_postgres_clustering_is_refused() =>
        Assert.Contains("only used with --clustering postgres", Problem("--connection", "Host=x"));

    [Fact]
    public void A_bad_site_name_is_refused() =>
        Assert.Contains("--site: site name 'Paris!'", Problem("--site", "Paris!"));

    [Fact]
    public void Equal_silo_and_gateway_ports_are_refused() =>
        Assert.Contains("both 40000", Problem("--site", "lyon", "--silo-port", "40000", "--gateway-port", "40000"));

    [Fact]
    public void A_port_that_is_not_a_number_names_the_key() =>
        Assert.Contains("Discovery:SiloPort", Problem("--silo-port", "many"));

    [Fact]
    public void A_port_in_use_is_detected_before_start()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var problem = Problem("--site", "lyon", "--silo-port", port.ToString(), "--gateway-port", FreePorts.Take().ToString());

        Assert.Contains($"silo port {port}", problem);
        Assert.Contains("already in use", problem);
    }

    [Fact]
    public void An_unknown_option_suggests_the_closest_one() =>
        Assert.Equal("unknown option '--sit'; did you mean '--site'? (see --help)", Problem("--sit", "lyon"));

    [Fact]
    public void A_missing_infrastructure_file_is_named() =>
        Assert.Contains("cannot read infrastructure file", Problem([.. FreePortArgs(), "--infrastructure", "/nonexistent/infra.yaml"]));

    [Fact]
    public void Failure_detection_settings_are_validated() =>
        Assert.Contains("ProbeTimeout must be positive", Problem("--site", "lyon", "--probe-timeout", "-00:00:01"));

    [Fact]
    public void Watcher_settings_are_validated()
    {
        Assert.Equal("Discovery:Watch: Interval must be positive (got 00:00:00)", Problem([.. FreePortArgs(), "--watch-every", "00:00:00"]));
        Assert.Contains("UnreachableFor must be positive", Problem([.. FreePortArgs(), "--watch-unreachable-for", "-00:00:01"]));
        Assert.Contains("CheckEvery must be positive", Problem([.. FreePortArgs(), "--watch-check-every", "00:00:00"]));
    }

    [Fact]
    public void Load_shedding_limits_are_validated()
    {
        Assert.Contains("queued-calls limit per grain must be 0 (no limit) or more, not -5", Problem([.. FreePortArgs(), "--max-queued-calls", "-5"]));
        Assert.Contains("percentage from 1 to 100, not 150", Problem([.. FreePortArgs(), "--shed-above-cpu", "150"]));
    }
}
