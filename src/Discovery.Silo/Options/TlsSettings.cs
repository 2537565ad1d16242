namespace Discovery.Silo.Options;

/// <summary>
/// TLS for silo-to-silo and client-to-silo traffic (<c>Discovery:Tls:*</c>; off unless a certificate is given).
/// Every silo presents <see cref="Certificate"/> and accepts only silos whose certificate the cluster trusts
/// (<see cref="CertificateAuthority"/> and/or <see cref="AllowedThumbprints"/>). docs/security.md shows how to make them.
/// </summary>
public sealed class TlsSettings
{
    /// <summary>This silo's certificate: PEM (with <see cref="Key"/>, or the key in the same file) or PKCS#12 (<c>--tls-certificate</c>).</summary>
    public string? Certificate { get; set; }

    /// <summary>The PEM private key of <see cref="Certificate"/>, when it is in a file of its own (<c>--tls-key</c>).</summary>
    public string? Key { get; set; }

    /// <summary>The password of a PKCS#12 file or of an encrypted PEM key (<c>--tls-password</c>; better: Discovery__Tls__Password).</summary>
    public string? Password { get; set; }

    /// <summary>The cluster's CA certificate (PEM or DER): silos and client certificates must be issued by it (<c>--tls-ca</c>).</summary>
    public string? CertificateAuthority { get; set; }

    /// <summary>
    /// SHA-1 thumbprints (hex, comma-separated) of the certificates accepted from silos and clients, instead of or
    /// on top of the CA: with both, a certificate must satisfy both (<c>--tls-allowed-thumbprints</c>).
    /// </summary>
    public string? AllowedThumbprints { get; set; }

    /// <summary>Clients must present a certificate the cluster trusts, not only a credential (<c>--tls-require-client-certificate</c>).</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>How long a TLS handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when any TLS setting is given.</summary>
    public bool AnyGiven => Certificate is not null || Key is not null || Password is not null || CertificateAuthority is not null
                            || AllowedThumbprints is not null || RequireClientCertificate;

    /// <summary>The thumbprints of <see cref="AllowedThumbprints"/>, one per entry.</summary>
    public IReadOnlyList<string> Thumbprints =>
        (AllowedThumbprints ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
