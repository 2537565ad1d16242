using Discovery.Silo.Options;

namespace Discovery.Silo.Hosting;

/// <summary>Everything one silo of this process needs to start, decided and checked before anything starts.</summary>
/// <param name="Site">The site the silo serves.</param>
/// <param name="SiloPort">Silo-to-silo port.</param>
/// <param name="GatewayPort">Client gateway port.</param>
/// <param name="PrimarySiloPort">With localhost clustering, the primary silo's port.</param>
/// <param name="HttpPort">The health and metrics port, or null for none.</param>
public sealed record SiloPlan(string Site, int SiloPort, int GatewayPort, int PrimarySiloPort, int? HttpPort = null);

/// <summary>The silos this process runs and the settings they share.</summary>
/// <param name="Options">The validated options.</param>
/// <param name="Silos">One entry per silo, the primary first.</param>
/// <param name="InfrastructurePath">The resolved infrastructure file.</param>
public sealed record LaunchPlan(
    DiscoveryOptions Options,
    IReadOnlyList<SiloPlan> Silos,
    string InfrastructurePath)
{
    /// <summary>The silos' TLS, read and checked; null when they run without TLS.</summary>
    public SiloTls? Tls { get; init; }

    /// <summary>True when this process runs the whole demo cluster (one silo per site) by itself.</summary>
    public bool IsEmbeddedDemo => Options.Clustering == ClusteringKind.Localhost && Options.Site is null;

    /// <summary>The port the console listens on, or null when this process serves no console.</summary>
    public int? ConsolePort => Options.ConsolePort switch
    {
        0 => null,
        { } port => port,
        null => IsEmbeddedDemo ? DefaultConsolePort : null,
    };

    /// <summary>Where the embedded demo serves its console unless told otherwise.</summary>
    public const int DefaultConsolePort = 5080;
}
