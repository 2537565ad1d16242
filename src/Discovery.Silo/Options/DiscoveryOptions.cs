using Discovery.Grains.Coordinates;
using Discovery.Grains.Environments;
using Discovery.Grains.Hypervisors;

namespace Discovery.Silo.Options;

/// <summary>How this process takes part in the cluster. Section <c>Discovery</c>; every key has a command-line switch.</summary>
public sealed class DiscoveryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Discovery";

    /// <summary>
    /// The site (PoP) this silo serves (<c>--site</c>). With localhost clustering and no site, the process runs the
    /// embedded demo: one silo per site of the infrastructure file.
    /// </summary>
    public string? Site { get; set; }

    /// <summary>Where membership, grain state and reminders live (<c>--clustering</c>).</summary>
    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>The PostgreSQL connection string for <see cref="ClusteringKind.Postgres"/> (<c>--connection</c>).</summary>
    public string? Connection { get; set; }

    /// <summary>The Orleans cluster id: silos and clients with the same id form one cluster (<c>--cluster-id</c>).</summary>
    public string ClusterId { get; set; } = "discovery";

    /// <summary>The Orleans service id: stable across deployments, it keys grain state and reminders (<c>--service-id</c>).</summary>
    public string ServiceId { get; set; } = "discovery";

    /// <summary>The address other silos and clients reach this silo at (<c>--address</c>).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The silo-to-silo port (<c>--silo-port</c>). The embedded demo uses this and the following ports.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients connect to (<c>--gateway-port</c>). The embedded demo uses this and the following ports.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The port of the administrators' web console (<c>--console-port</c>; 0 switches it off). The embedded demo
    /// serves it on 5080 unless told otherwise; a silo started for one site serves it only when given a port.
    /// </summary>
    public int? ConsolePort { get; set; }

    /// <summary>
    /// The port of the silo's health and metrics endpoints (<c>--http-port</c>): <c>/healthz</c>, <c>/readyz</c> and
    /// <c>/metrics</c> (Prometheus). Off unless given (0 = off); the embedded demo uses this and the following ports.
    /// </summary>
    public int? HttpPort { get; set; }

    /// <summary>
    /// With localhost clustering: the silo port of the cluster's primary silo (<c>--primary-port</c>). Defaults to this
    /// silo's own port, i.e. this silo is the primary.
    /// </summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>
    /// The infrastructure file: sites, their location and their nodes (<c>--infrastructure</c>). A site's silo registers
    /// that site's nodes from it at start.
    /// </summary>
    public string Infrastructure { get; set; } = "demo-infrastructure.yaml";

    /// <summary>How node agents measure the network and keep coordinates (<c>Discovery:Locality:*</c>).</summary>
    public LocalityOptions Locality { get; set; } = new();

    /// <summary>How VEs are placed (<c>Discovery:Placement:*</c>).</summary>
    public PlacementOptions Placement { get; set; } = new();

    /// <summary>Cooperative scheduling of the node agents (<c>Discovery:Scheduling:*</c>; off unless enabled).</summary>
    public Discovery.Grains.Scheduling.SchedulerOptions Scheduling { get; set; } = new();

    /// <summary>How VEs' private networks are numbered (<c>Discovery:Networks:*</c>).</summary>
    public Discovery.Grains.Networks.NetworkOptions Networks { get; set; } = new();

    /// <summary>How image chunks are replicated and delivered (<c>Discovery:Images:*</c>).</summary>
    public Discovery.Grains.Images.ImageOptions Images { get; set; } = new();

    /// <summary>How node agents use their hypervisors (<c>Discovery:Hypervisor:*</c>).</summary>
    public HypervisorOptions Hypervisor { get; set; } = new();

    /// <summary>Who may call the cluster: credentials, access rules, the audit log (<c>Discovery:Security:*</c>; off unless enabled).</summary>
    public Discovery.Grains.Security.SecurityOptions Security { get; set; } = new();

    /// <summary>When the silo refuses calls at once ("busy, retry") instead of queueing them (<c>Discovery:Overload:*</c>).</summary>
    public Discovery.Grains.Reliability.OverloadOptions Overload { get; set; } = new();

    /// <summary>How the watcher of each protected VM checks on it (<c>Discovery:Watch:*</c>).</summary>
    public Discovery.Grains.Reliability.WatchOptions Watch { get; set; } = new();

    /// <summary>TLS between silos and from clients (<c>Discovery:Tls:*</c>; off unless a certificate is given).</summary>
    public TlsSettings Tls { get; set; } = new();

    /// <summary>How fast dead silos are noticed (<c>Discovery:FailureDetection:*</c>).</summary>
    public FailureDetectionOptions FailureDetection { get; set; } = new();
}

/// <summary>The clustering (membership + storage) providers a silo uses.</summary>
public enum ClusteringKind
{
    /// <summary>Localhost clustering with in-memory state: nothing to install, nothing survives a restart.</summary>
    Localhost,

    /// <summary>PostgreSQL for membership, grain state and reminders: the way to run for real.</summary>
    Postgres,
}
