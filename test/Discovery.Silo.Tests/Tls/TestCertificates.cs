using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Discovery.Silo.Tests.Tls;

/// <summary>
/// A throw-away certificate authority in a temporary directory, made the way docs/security.md tells an operator to
/// (a self-signed CA, leaf certificates for serverAuth and clientAuth issued by it), written as PEM and PKCS#12 files.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Makes a CA called <paramref name="name"/> in a fresh directory.</summary>
    public TestCertificates(string name = "Discovery Test CA")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("discovery-tls-").FullName;
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(2));
        AuthorityFile = Path.Combine(Directory, "ca.crt");
        File.WriteAllText(AuthorityFile, Authority.ExportCertificatePem());
    }

    /// <summary>Where the files are.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate (with its key).</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The CA certificate as a PEM file: what <c>--tls-ca</c> takes.</summary>
    public string AuthorityFile { get; }

    /// <summary>
    /// Issues a certificate for <paramref name="name"/> (serverAuth and clientAuth, 127.0.0.1) valid from
    /// <paramref name="notBefore"/> to <paramref name="notAfter"/> (default: yesterday to next year) and writes
    /// <c>NAME.crt</c>, <c>NAME.key</c> and <c>NAME.enc.key</c> (PEM, the last encrypted with <paramref name="password"/>) and <c>NAME.pfx</c> (protected by <paramref name="password"/>).
    /// </summary>
    public Issued Issue(string name, string password = "secret", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddYears(1);
        using var issued = request.Create(Authority, from, to, RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(key);
        var files = new Issued(Path.Combine(Directory, $"{name}.crt"), Path.Combine(Directory, $"{name}.key"), Path.Combine(Directory, $"{name}.pfx"), password, withKey.Thumbprint,
            Path.Combine(Directory, $"{name}.enc.key"));
        File.WriteAllText(files.Certificate, withKey.ExportCertificatePem());
        File.WriteAllText(files.Key, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(files.EncryptedKey, key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)));
        File.WriteAllBytes(files.Pfx, withKey.Export(X509ContentType.Pkcs12, password));
        return files;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _caKey.Dispose();
        Authority.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>The files of one issued certificate.</summary>
    public sealed record Issued(string Certificate, string Key, string Pfx, string Password, string Thumbprint, string EncryptedKey);
}
