namespace Discovery.Client;

/// <summary>Where the cluster is and how patiently to connect to it.</summary>
public sealed class DiscoveryClientOptions
{
    /// <summary>
    /// Gateways to connect to, as <c>host:port</c> (the silos' gateway ports). Used when <see cref="Connection"/> is not
    /// set. Defaults to the embedded demo's first gateway.
    /// </summary>
    public IList<string> Gateways { get; set; } = ["127.0.0.1:30000"];

    /// <summary>
    /// A PostgreSQL connection string: when set, the client finds the gateways in the cluster's membership table
    /// instead of <see cref="Gateways"/>.
    /// </summary>
    public string? Connection { get; set; }

    /// <summary>The cluster id the silos were started with.</summary>
    public string ClusterId { get; set; } = "discovery";

    /// <summary>The service id the silos were started with.</summary>
    public string ServiceId { get; set; } = "discovery";

    /// <summary>
    /// The site this client calls from, which "near the caller" placements mean. Null (the default): the site of the
    /// gateway the client connected through.
    /// </summary>
    public string? Site { get; set; }

    /// <summary>
    /// The credential every call carries: an API key (<c>dsk_…</c>) or a signed token issued by the cluster's
    /// administrators. Null for a cluster that runs without security (the embedded demo). Never logged.
    /// </summary>
    public string? Credential { get; set; }

    /// <summary>
    /// TLS to the gateways; null (the default) for a cluster that runs without TLS. A TLS client cannot talk to a
    /// plain cluster, nor a plain client to a TLS one.
    /// </summary>
    public DiscoveryTlsOptions? Tls { get; set; }

    /// <summary>How long to keep trying to reach a gateway before giving up.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause between two connection attempts.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one call of the facade (<see cref="DiscoveryClient.VirtualEnvironments"/>, …) may take before it
    /// throws <see cref="TimeoutException"/>. Deploying a large VE takes longest.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
