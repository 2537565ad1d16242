using Orleans.Connections.Security;

namespace Discovery.Client;

// The client's side of the cluster's TLS: the gateway's certificate checked against the cluster's trust, and this
// client's certificate presented when it has one.
internal static class ClientTls
{
    // Reads every file before anything connects, so a bad file is reported as such, not as "could not connect".
    public static Action<TlsOptions> Configure(DiscoveryTlsOptions options)
    {
        var trust = new TlsPeerTrust(
            options.CertificateAuthority is { } ca ? TlsCertificates.LoadAuthorities(ca) : null,
            options.ServerThumbprints);
        var certificate = options.Certificate is { } path
            ? TlsCertificates.LoadCertificate(path, options.Key, options.Password, TlsCertificates.Usage.Client)
            : null;
        return tls =>
        {
            tls.LocalCertificate = certificate;
            tls.ClientCertificateMode = certificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = trust.Validate;
            tls.HandshakeTimeout = options.HandshakeTimeout;
        };
    }
}
