using System.Security.Cryptography.X509Certificates;
using Discovery.Client;
using Discovery.Silo.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Discovery.Silo.Hosting;

/// <summary>A silo's TLS, read and checked before anything starts: its certificate and whom it trusts.</summary>
/// <param name="Certificate">What this silo presents, to silos and clients alike.</param>
/// <param name="Trust">The certificates accepted from other silos and from clients.</param>
/// <param name="Settings">The settings it was read from (the console's client uses the same files).</param>
public sealed record SiloTls(X509Certificate2 Certificate, TlsPeerTrust Trust, TlsSettings Settings)
{
    /// <summary>
    /// Reads <paramref name="settings"/>: null when TLS is off, else the checked result; a
    /// <see cref="ConfigurationProblem"/> naming the setting and the problem otherwise.
    /// </summary>
    public static SiloTls? Load(TlsSettings settings, DateTimeOffset? now = null)
    {
        if (!settings.AnyGiven)
            return null;
        if (string.IsNullOrWhiteSpace(settings.Certificate))
            throw new ConfigurationProblem("the --tls-* options need this silo's certificate: --tls-certificate FILE (PEM or .pfx); docs/security.md shows how to make one");
        if (settings.HandshakeTimeout <= TimeSpan.Zero)
            throw new ConfigurationProblem($"Discovery:Tls:HandshakeTimeout must be positive (got {settings.HandshakeTimeout})");
        if (settings.CertificateAuthority is null && settings.Thumbprints.Count == 0)
            throw new ConfigurationProblem("--tls-certificate needs to know which certificates to trust: --tls-ca FILE (the cluster's CA) and/or --tls-allowed-thumbprints T1,T2");
        var certificate = Read("--tls-certificate", () =>
            TlsCertificates.LoadCertificate(settings.Certificate, settings.Key, settings.Password, TlsCertificates.Usage.Server | TlsCertificates.Usage.Client, now));
        var authorities = settings.CertificateAuthority is { } ca ? Read("--tls-ca", () => TlsCertificates.LoadAuthorities(ca)) : null;
        var trust = Read("--tls-allowed-thumbprints", () => new TlsPeerTrust(authorities, settings.Thumbprints));
        // Every silo presents its certificate to the others: one they would refuse means a cluster that never forms.
        if (trust.Reject(certificate) is { } refused)
            throw new ConfigurationProblem($"--tls-certificate: the other silos would refuse this silo's own certificate: {refused}");
        return new SiloTls(certificate, trust, settings);
    }

    /// <summary>
    /// Silo-to-silo connections: mutual TLS, both ends presenting their certificate and checking the other's.
    /// Gateway connections: the silo presents its certificate; a client's is checked, and required when
    /// <see cref="TlsSettings.RequireClientCertificate"/>.
    /// </summary>
    public void Apply(ISiloBuilder silo)
    {
        var between = Options(RemoteCertificateMode.RequireCertificate);
        var clients = Options(Settings.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.NoCertificate);
        silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(c => c.UseServerTls(between));
            connections.ConfigureSiloOutboundConnection(c => c.UseClientTls(between));
            connections.ConfigureGatewayInboundConnection(c => c.UseServerTls(clients));
        });
    }

    /// <summary>What the silo's own console client needs to reach the gateways of this process.</summary>
    public DiscoveryTlsOptions ForLocalClient() => new()
    {
        CertificateAuthority = Settings.CertificateAuthority,
        ServerThumbprints = [.. Trust.Thumbprints],
        Certificate = Settings.Certificate,
        Key = Settings.Key,
        Password = Settings.Password,
        HandshakeTimeout = Settings.HandshakeTimeout,
    };

    private TlsOptions Options(RemoteCertificateMode remote) => new()
    {
        LocalCertificate = Certificate,
        RemoteCertificateMode = remote,
        ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        RemoteCertificateValidation = Trust.Validate,
        HandshakeTimeout = Settings.HandshakeTimeout,
    };

    private static T Read<T>(string option, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (TlsCertificateException e)
        {
            throw new ConfigurationProblem($"{option}: {e.Message}");
        }
    }
}
