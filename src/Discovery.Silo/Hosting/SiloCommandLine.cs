using Microsoft.Extensions.Configuration;

namespace Discovery.Silo.Hosting;

/// <summary>The silo's command line: switches map onto configuration keys, so files and environment work the same way.</summary>
public static class SiloCommandLine
{
    /// <summary>Each switch and the configuration key it sets.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--site"] = "Discovery:Site",
        ["--clustering"] = "Discovery:Clustering",
        ["--connection"] = "Discovery:Connection",
        ["--cluster-id"] = "Discovery:ClusterId",
        ["--service-id"] = "Discovery:ServiceId",
        ["--address"] = "Discovery:Address",
        ["--silo-port"] = "Discovery:SiloPort",
        ["--gateway-port"] = "Discovery:GatewayPort",
        ["--console-port"] = "Discovery:ConsolePort",
        ["--http-port"] = "Discovery:HttpPort",
        ["--primary-port"] = "Discovery:PrimarySiloPort",
        ["--infrastructure"] = "Discovery:Infrastructure",
        ["--probe-timeout"] = "Discovery:FailureDetection:ProbeTimeout",
        ["--missed-probes"] = "Discovery:FailureDetection:NumMissedProbesLimit",
        ["--table-refresh"] = "Discovery:FailureDetection:TableRefreshTimeout",
        ["--data-dir"] = "Discovery:Hypervisor:DataDirectory",
        ["--reconcile-every"] = "Discovery:Hypervisor:ReconcileInterval",
        ["--watch-every"] = "Discovery:Watch:Interval",
        ["--watch-unreachable-for"] = "Discovery:Watch:UnreachableFor",
        ["--watch-check-every"] = "Discovery:Watch:CheckEvery",
        ["--probe"] = "Discovery:Locality:Probe",
        ["--rtt-matrix"] = "Discovery:Locality:Matrix",
        ["--scheduling"] = "Discovery:Scheduling:Enabled",
        ["--workload"] = "Discovery:Scheduling:Workload",
        ["--monitor-every"] = "Discovery:Scheduling:MonitorInterval",
        ["--security"] = "Discovery:Security:Enabled",
        ["--max-queued-calls"] = "Discovery:Overload:MaxQueuedCallsPerGrain",
        ["--shed-above-cpu"] = "Discovery:Overload:ShedClientCallsAboveCpuPercent",
        ["--tls-certificate"] = "Discovery:Tls:Certificate",
        ["--tls-key"] = "Discovery:Tls:Key",
        ["--tls-password"] = "Discovery:Tls:Password",
        ["--tls-ca"] = "Discovery:Tls:CertificateAuthority",
        ["--tls-allowed-thumbprints"] = "Discovery:Tls:AllowedThumbprints",
        ["--tls-require-client-certificate"] = "Discovery:Tls:RequireClientCertificate",
        ["--chunk-key-file"] = "Discovery:Images:KeyFile",
    };

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: discovery-silo [options]              run a silo (no --site: the embedded demo, one silo per site)
               discovery-silo db init --connection CS create or update the PostgreSQL schema (idempotent)

        options:
          --site NAME              the site (PoP) this silo serves, e.g. paris
          --clustering KIND        localhost (default: in memory, nothing to install) or postgres
          --connection CS          PostgreSQL connection string, e.g. "Host=db;Database=discovery;Username=discovery"
          --cluster-id ID          silos and clients with the same id form one cluster (default: discovery)
          --service-id ID          stable id that keys stored state (default: discovery)
          --address IP             address other silos reach this one at (default: 127.0.0.1)
          --silo-port N            silo-to-silo port (default: 11111)
          --gateway-port N         client port (default: 30000)
          --scheduling true|false  nodes fix their overloads with their neighbours (DVMS; default false)
          --workload KIND          VMs' CPU demand: RandomWalk (default) or OperatorOnly (only `discovery vm load`)
          --monitor-every T        how often a node samples its VMs' demand (default: 00:00:02)
          --security true|false    require credentials and keep tenants apart (default false; needs
                                   Discovery__Security__AdminKey, which the embedded demo makes up and prints)
          --max-queued-calls N     calls waiting for one grain beyond which new ones get "busy, retry" (default 1000; 0 = no limit)
          --shed-above-cpu PCT     refuse new client calls ("busy, retry") while this silo's CPU is above PCT % (default: never)
          --tls-certificate FILE   run silo-to-silo and client traffic over TLS with this certificate (PEM or .pfx;
                                   docs/security.md shows how to make one); needs --tls-ca and/or --tls-allowed-thumbprints
          --tls-key FILE           the certificate's PEM private key, when not in the certificate file
          --tls-password PW        the .pfx or encrypted key's password (better: Discovery__Tls__Password in the environment)
          --tls-ca FILE            the cluster's CA certificate: silos' and clients' certificates must be issued by it
          --tls-allowed-thumbprints T1,T2  accept only certificates with these SHA-1 thumbprints (with --tls-ca: both must hold)
          --tls-require-client-certificate true|false  clients must present a trusted certificate too (default false)
          --chunk-key-file FILE    seal image chunks at rest with this 32-byte key (chmod 600; the same file on every
                                   silo; needed by the encrypted-images policy clause): head -c 32 /dev/urandom > FILE
          --console-port N         the web console's port (default: 5080 for the embedded demo, else off; 0 = off)
          --http-port N            health (/healthz, /readyz) and Prometheus metrics (/metrics) port (default: off; 0 = off)
          --primary-port N         localhost clustering: the primary silo's port (default: this silo's)
          --infrastructure FILE    sites and nodes to register (default: demo-infrastructure.yaml)
          --probe-timeout T        failure detection: probe timeout, e.g. 00:00:01
          --missed-probes N        failure detection: missed probes before suspicion
          --table-refresh T        failure detection: membership table refresh period
          --data-dir DIR           where test-driver hosts and migration state files live (default: a temporary directory)
          --reconcile-every T      how often node agents check their hypervisor (default: 00:00:30)
          --watch-every T          how often each protected VM's watcher asks its node's agent (default: 00:00:05)
          --watch-unreachable-for T  how long an agent may not answer before its protected VMs restart elsewhere (default: 00:00:30)
          --watch-check-every T    how often each protected VM asks its watcher whether it watches it (default: 00:00:30)
          --probe KIND             where RTT samples come from: geography (emulated, default), matrix or tcp (real)
          --rtt-matrix FILE        the RTT matrix for --probe matrix (n lines of n numbers, ms)
        Every option is also a configuration key (appsettings.json, or environment: Discovery__Site=paris).
        """;

    /// <summary>Builds the configuration from appsettings.json, the environment and <paramref name="args"/>.</summary>
    public static IConfiguration BuildConfiguration(string[] args)
    {
        RejectUnknownSwitches(args);
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args, Switches.ToDictionary())
            .Build();
    }

    private static void RejectUnknownSwitches(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].Split('=', 2)[0];
            if (!name.StartsWith('-'))
                throw new ConfigurationProblem($"unexpected argument '{args[i]}': options take the form --name value (see --help)");
            if (!Switches.ContainsKey(name))
                throw new ConfigurationProblem($"unknown option '{name}'{Suggest(name)} (see --help)");
            if (!args[i].Contains('='))
            {
                if (i + 1 >= args.Length)
                    throw new ConfigurationProblem($"option '{name}' needs a value");
                i++;
            }
        }
    }

    private static string Suggest(string name)
    {
        var best = Switches.Keys.MinBy(k => Distance(k, name))!;
        return Distance(best, name) <= 3 ? $"; did you mean '{best}'?" : "";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
