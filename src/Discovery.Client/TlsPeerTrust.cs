using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Discovery.Client;

/// <summary>
/// Which certificates the other end of a connection may present: those issued by the cluster's own CA, and/or those
/// whose SHA-1 thumbprint is listed. Silos are reached by IP address, so the host name in the certificate is not
/// checked; trust comes from the CA dedicated to the cluster (or the pinned thumbprints), never from the machine's
/// public CA store.
/// </summary>
public sealed class TlsPeerTrust
{
    private readonly X509Certificate2Collection _authorities;
    private readonly HashSet<string> _thumbprints;

    /// <summary>Trusts certificates issued by <paramref name="authorities"/> and/or with one of <paramref name="thumbprints"/>.</summary>
    public TlsPeerTrust(X509Certificate2Collection? authorities, IEnumerable<string>? thumbprints)
    {
        _authorities = authorities ?? [];
        _thumbprints = (thumbprints ?? []).Select(Normalize).Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (_authorities.Count == 0 && _thumbprints.Count == 0)
            throw new TlsCertificateException("TLS needs something to trust: the cluster's CA certificate (--tls-ca FILE) and/or certificate thumbprints");
    }

    /// <summary>The thumbprints trusted, upper-case hex without separators.</summary>
    public IReadOnlyCollection<string> Thumbprints => _thumbprints;

    /// <summary>Null when <paramref name="certificate"/> is trusted now, else why not.</summary>
    public string? Reject(X509Certificate2 certificate)
    {
        if (_thumbprints.Count > 0 && !_thumbprints.Contains(certificate.Thumbprint.ToUpperInvariant()))
            return $"certificate '{certificate.Subject}' ({certificate.Thumbprint}) is not among the allowed thumbprints";
        if (_authorities.Count == 0)
        {
            // Pinned without a CA: no chain is built, so the validity period is checked here.
            var now = DateTime.UtcNow;
            return now > certificate.NotAfter.ToUniversalTime() ? $"certificate '{certificate.Subject}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                : now < certificate.NotBefore.ToUniversalTime() ? $"certificate '{certificate.Subject}' is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                : null;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        // The cluster's private CA publishes no revocation list; an operator revokes by replacing the CA or pinning.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(certificate))
            return null;
        var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
        return $"certificate '{certificate.Subject}' is not issued by the cluster's CA or is not valid now: {string.Join("; ", reasons)}";
    }

    /// <summary>
    /// The check TLS runs on the other end's certificate (an Orleans <c>RemoteCertificateValidator</c>): the host
    /// name is ignored (see the class), everything else is <see cref="Reject"/>'s.
    /// </summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors) =>
        !errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) && Reject(certificate) is null;

    /// <summary>A thumbprint as written by people or tools (<c>ab:cd…</c>, spaces) in the form .NET reports it.</summary>
    public static string Normalize(string thumbprint) =>
        new string(thumbprint.Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();
}
