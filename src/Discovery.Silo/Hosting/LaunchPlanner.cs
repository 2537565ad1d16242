using Discovery.Abstractions.Sites;
using Discovery.Silo.Infrastructure;
using Discovery.Silo.Options;
using Microsoft.Extensions.Configuration;

namespace Discovery.Silo.Hosting;

/// <summary>
/// Turns configuration into a <see cref="LaunchPlan"/>, or a <see cref="ConfigurationProblem"/> that says in one line
/// what is wrong and which switch fixes it. Nothing is started here.
/// </summary>
public static class LaunchPlanner
{
    /// <summary>Reads, validates and plans; throws <see cref="ConfigurationProblem"/>.</summary>
    public static LaunchPlan Plan(IConfiguration configuration)
    {
        var options = Bind(configuration);
        Validate(options, options.FailureDetection);
        var tls = SiloTls.Load(options.Tls);

        var infrastructurePath = ResolveFile(options.Infrastructure);
        var infrastructure = LoadInfrastructure(infrastructurePath);
        var silos = options.Site is null
            ? PlanEmbeddedDemo(options, infrastructure)
            : [new SiloPlan(options.Site, options.SiloPort, options.GatewayPort, options.PrimarySiloPort ?? options.SiloPort, HttpPortOf(options))];
        CheckPorts(silos);
        var plan = new LaunchPlan(options, silos, infrastructurePath) { Tls = tls };
        if (plan.ConsolePort is { } console && !PortProbe.IsFree(console))
            throw new ConfigurationProblem($"console port {console} is already in use: choose a free one with --console-port, or switch the console off with --console-port 0");
        return plan;
    }

    private static DiscoveryOptions Bind(IConfiguration configuration)
    {
        var clustering = configuration[$"{DiscoveryOptions.Section}:{nameof(DiscoveryOptions.Clustering)}"];
        if (clustering is not null && !Enum.TryParse<ClusteringKind>(clustering, ignoreCase: true, out _))
            throw new ConfigurationProblem($"unknown clustering '{clustering}': use --clustering localhost (embedded, in memory) or --clustering postgres");
        try
        {
            return configuration.GetSection(DiscoveryOptions.Section).Get<DiscoveryOptions>(o => o.ErrorOnUnknownConfiguration = true)
                   ?? new DiscoveryOptions();
        }
        catch (InvalidOperationException e)
        {
            // The binder's own message names the key and the value ("Failed to convert configuration value 'x' at 'Discovery:SiloPort' …").
            throw new ConfigurationProblem($"invalid configuration: {e.Message}");
        }
    }

    private static void Validate(DiscoveryOptions o, FailureDetectionOptions fd)
    {
        if (o.Site is not null && SiteName.Validate(o.Site) is { } badSite)
            throw new ConfigurationProblem($"--site: {badSite}");
        if (o.Clustering == ClusteringKind.Postgres && string.IsNullOrWhiteSpace(o.Connection))
            throw new ConfigurationProblem("--clustering postgres needs --connection \"Host=…;Database=…;Username=…\" (or Discovery__Connection in the environment)");
        if (o.Clustering == ClusteringKind.Postgres && o.Site is null)
            throw new ConfigurationProblem("--clustering postgres runs one silo per site: say which with --site NAME");
        if (o.Clustering == ClusteringKind.Localhost && !string.IsNullOrWhiteSpace(o.Connection))
            throw new ConfigurationProblem("--connection is only used with --clustering postgres; add --clustering postgres or drop --connection");
        foreach (var (name, port) in new[] { ("--silo-port", o.SiloPort), ("--gateway-port", o.GatewayPort), ("--primary-port", o.PrimarySiloPort ?? 1), ("--console-port", o.ConsolePort is 0 or null ? 1 : o.ConsolePort.Value), ("--http-port", o.HttpPort is 0 or null ? 1 : o.HttpPort.Value) })
        {
            if (port is < 1 or > 65535)
                throw new ConfigurationProblem($"{name} {port} is not a TCP port: use 1–65535");
        }
        if (o.SiloPort == o.GatewayPort)
            throw new ConfigurationProblem($"--silo-port and --gateway-port are both {o.SiloPort}: give them different ports");
        if (o.HttpPort is { } http and not 0 && (http == o.SiloPort || http == o.GatewayPort || http == o.ConsolePort))
            throw new ConfigurationProblem($"--http-port {http} is also the silo, gateway or console port: give it a port of its own");
        if (!System.Net.IPAddress.TryParse(o.Address, out _))
            throw new ConfigurationProblem($"--address '{o.Address}' is not an IP address: give the address other silos reach this one at, e.g. 10.0.0.5");
        if (string.IsNullOrWhiteSpace(o.ClusterId) || string.IsNullOrWhiteSpace(o.ServiceId))
            throw new ConfigurationProblem("--cluster-id and --service-id must not be empty");
        if (fd.ProbeTimeout is { } probe && probe <= TimeSpan.Zero)
            throw new ConfigurationProblem($"Discovery:FailureDetection:ProbeTimeout must be positive (got {probe})");
        if (fd.TableRefreshTimeout is { } refresh && refresh <= TimeSpan.Zero)
            throw new ConfigurationProblem($"Discovery:FailureDetection:TableRefreshTimeout must be positive (got {refresh})");
        if (fd.NumMissedProbesLimit is < 1 || fd.NumVotesForDeathDeclaration is < 1)
            throw new ConfigurationProblem("Discovery:FailureDetection:NumMissedProbesLimit and NumVotesForDeathDeclaration must be at least 1");
        if (o.Locality.Validate() is { } locality)
            throw new ConfigurationProblem($"Discovery:Locality: {locality}");
        if (o.Locality.Probe == "matrix" && !File.Exists(o.Locality.Matrix))
            throw new ConfigurationProblem($"Discovery:Locality:Matrix: RTT matrix file '{o.Locality.Matrix}' not found");
        if (o.Placement.Validate() is { } placement)
            throw new ConfigurationProblem($"Discovery:Placement: {placement}");
        if (o.Images.Validate() is { } images)
            throw new ConfigurationProblem($"Discovery:{images}");
        if (o.Scheduling.Validate() is { } scheduling)
            throw new ConfigurationProblem($"Discovery:{scheduling}");
        if (o.Overload.Validate() is { } overload)
            throw new ConfigurationProblem($"Discovery:Overload: {overload}");
        if (o.Watch.Validate() is { } watch)
            throw new ConfigurationProblem($"Discovery:Watch: {watch}");
        if (o.Networks.Validate() is { } networks)
            throw new ConfigurationProblem($"Discovery:{networks}");
        if (SecuritySetup.Prepare(o) is { } security)
            throw new ConfigurationProblem($"Discovery:{security}");
        if (o.Hypervisor.ReconcileInterval <= TimeSpan.Zero)
            throw new ConfigurationProblem($"--reconcile-every must be positive (got {o.Hypervisor.ReconcileInterval})");
    }

    private static List<SiloPlan> PlanEmbeddedDemo(DiscoveryOptions o, InfrastructureFile infrastructure)
    {
        // One silo per site, on consecutive ports: the primary is the first site's silo.
        var silos = infrastructure.Sites
            .Select((site, i) => new SiloPlan(site.Name, o.SiloPort + i, o.GatewayPort + i, o.SiloPort, HttpPortOf(o) + i))
            .ToList();
        var last = silos[^1];
        if (last.SiloPort > 65535 || last.GatewayPort > 65535)
            throw new ConfigurationProblem($"the demo needs {silos.Count} consecutive silo and gateway ports: lower --silo-port or --gateway-port");
        var (firstSilo, lastSilo) = (o.SiloPort, last.SiloPort);
        var (firstGateway, lastGateway) = (o.GatewayPort, last.GatewayPort);
        if (firstSilo <= lastGateway && firstGateway <= lastSilo)
            throw new ConfigurationProblem($"the demo's silo ports {firstSilo}–{lastSilo} overlap its gateway ports {firstGateway}–{lastGateway}: move --gateway-port");
        if (silos[0].HttpPort is { } firstHttp && silos[^1].HttpPort is { } lastHttp
            && ((firstHttp <= lastSilo && firstSilo <= lastHttp) || (firstHttp <= lastGateway && firstGateway <= lastHttp) || lastHttp > 65535))
            throw new ConfigurationProblem($"the demo's HTTP ports {firstHttp}–{lastHttp} overlap its silo ports {firstSilo}–{lastSilo} or gateway ports {firstGateway}–{lastGateway}: move --http-port");
        return silos;
    }

    // 0 switches the health and metrics endpoints off, like an absent port.
    private static int? HttpPortOf(DiscoveryOptions o) => o.HttpPort is 0 ? null : o.HttpPort;

    private static void CheckPorts(IEnumerable<SiloPlan> silos)
    {
        foreach (var silo in silos)
        {
            if (!PortProbe.IsFree(silo.SiloPort))
                throw new ConfigurationProblem($"silo port {silo.SiloPort} (site {silo.Site}) is already in use, perhaps by another silo: choose a free one with --silo-port");
            if (!PortProbe.IsFree(silo.GatewayPort))
                throw new ConfigurationProblem($"gateway port {silo.GatewayPort} (site {silo.Site}) is already in use, perhaps by another silo: choose a free one with --gateway-port");
            if (silo.HttpPort is { } http && !PortProbe.IsFree(http))
                throw new ConfigurationProblem($"HTTP port {http} (site {silo.Site}) is already in use: choose a free one with --http-port");
        }
    }

    private static InfrastructureFile LoadInfrastructure(string path)
    {
        try
        {
            return InfrastructureFile.Load(path);
        }
        catch (InfrastructureFileException e)
        {
            throw new ConfigurationProblem($"{e.Message} (--infrastructure)");
        }
    }

    // A relative path is looked up in the working directory first, then next to the program (where the demo file is).
    private static string ResolveFile(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path))
            return Path.GetFullPath(path);
        var besideProgram = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(besideProgram) ? besideProgram : Path.GetFullPath(path);
    }
}
