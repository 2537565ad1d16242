namespace Discovery.Client;

/// <summary>
/// TLS to the cluster's gateways, for a cluster whose silos run with <c>--tls-certificate</c>. The gateways'
/// certificates are trusted when issued by <see cref="CertificateAuthority"/> and/or listed in
/// <see cref="ServerThumbprints"/> (at least one of the two). A client certificate is needed when the silos require one.
/// </summary>
public sealed class DiscoveryTlsOptions
{
    /// <summary>The cluster's CA certificate file (PEM or DER): gateways must present a certificate it issued.</summary>
    public string? CertificateAuthority { get; set; }

    /// <summary>SHA-1 thumbprints (hex) of the gateway certificates to accept, instead of or on top of the CA.</summary>
    public IList<string> ServerThumbprints { get; set; } = [];

    /// <summary>This client's certificate (PEM or PKCS#12 <c>.pfx</c>), for silos that require client certificates.</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM key of <see cref="Certificate"/> when it is not in the certificate file.</summary>
    public string? Key { get; set; }

    /// <summary>The password of the <c>.pfx</c> file or of the encrypted PEM key. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>How long the TLS handshake with a gateway may take.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
