using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Discovery.Client;

/// <summary>A certificate or key file that cannot serve for TLS. The message names the file and what is wrong with it.</summary>
public sealed class TlsCertificateException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads the certificate files an operator gives the silo, the SDK and the CLI: a PKCS#12 bundle (<c>.pfx</c>/<c>.p12</c>,
/// maybe with a password) or a PEM certificate with its PEM key (in the same file or another). Every problem — a
/// missing file, a wrong password, a certificate without its key, one outside its validity period — is a
/// <see cref="TlsCertificateException"/> that says so, before any connection is tried.
/// </summary>
public static class TlsCertificates
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1", ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>What a certificate is used for: a silo is both a server and a client of other silos.</summary>
    [Flags]
    public enum Usage
    {
        /// <summary>Accepts connections (a silo's gateway and silo ports).</summary>
        Server = 1,

        /// <summary>Opens connections and presents the certificate (a silo to another silo, a client to a gateway).</summary>
        Client = 2,
    }

    /// <summary>
    /// Loads the certificate at <paramref name="path"/> with its private key: from the PKCS#12 file (opened with
    /// <paramref name="password"/>), or from PEM, the key being in <paramref name="keyPath"/> or else in the same file.
    /// Checks that it is valid now and allowed for <paramref name="usage"/>.
    /// </summary>
    public static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password, Usage usage, DateTimeOffset? now = null)
    {
        RequireFile(path, "certificate");
        if (keyPath is not null)
            RequireFile(keyPath, "key");
        var certificate = IsPem(path) ? LoadPem(path, keyPath ?? path, password) : LoadPkcs12(path, password);
        if (!certificate.HasPrivateKey)
            throw new TlsCertificateException($"certificate file '{path}' holds no private key: give the key with the certificate (PEM: --tls-key FILE; or a .pfx that includes it)");
        CheckValidity(certificate, path, now ?? DateTimeOffset.UtcNow);
        CheckUsage(certificate, path, usage);
        return certificate;
    }

    /// <summary>The CA certificate(s) in <paramref name="path"/> (PEM, one or more; or one DER certificate).</summary>
    public static X509Certificate2Collection LoadAuthorities(string path)
    {
        RequireFile(path, "CA certificate");
        var authorities = new X509Certificate2Collection();
        try
        {
            if (IsPem(path))
                authorities.ImportFromPemFile(path);
            else
                authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        }
        catch (CryptographicException e)
        {
            throw new TlsCertificateException($"CA certificate file '{path}' is not a PEM or DER certificate: {e.Message}", e);
        }
        if (authorities.Count == 0)
            throw new TlsCertificateException($"CA certificate file '{path}' holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        return authorities;
    }

    private static X509Certificate2 LoadPkcs12(string path, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e) when (e.Message.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            throw new TlsCertificateException(password is null
                ? $"certificate file '{path}' is protected by a password: give it with --tls-password (or the Password setting)"
                : $"certificate file '{path}': the password is wrong", e);
        }
        catch (CryptographicException e)
        {
            throw new TlsCertificateException($"certificate file '{path}' is neither PEM nor PKCS#12 (.pfx), or is damaged: {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadPem(string path, string keyPath, string? password)
    {
        var keyText = File.ReadAllText(keyPath);
        if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new TlsCertificateException(keyPath == path
                ? $"certificate file '{path}' holds no private key: give the key file with --tls-key FILE"
                : $"key file '{keyPath}' holds no PEM private key (expected -----BEGIN PRIVATE KEY-----)");
        var encrypted = keyText.Contains("ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (encrypted && string.IsNullOrEmpty(password))
            throw new TlsCertificateException($"key file '{keyPath}' is encrypted: give its password with --tls-password (or the Password setting)");
        try
        {
            var certificate = encrypted
                ? X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath)
                : X509Certificate2.CreateFromPemFile(path, keyPath);
            // A key that only lives in memory cannot be used by SslStream on every platform: round-trip it through PKCS#12.
            using (certificate)
                return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (ArgumentException e)
        {
            throw new TlsCertificateException($"key file '{keyPath}' does not match certificate '{path}': {e.Message}", e);
        }
        catch (CryptographicException e) when (encrypted)
        {
            throw new TlsCertificateException($"key file '{keyPath}': the password is wrong, or the key does not match certificate '{path}'", e);
        }
        catch (CryptographicException e)
        {
            throw new TlsCertificateException($"certificate '{path}' or key '{keyPath}' cannot be read, or they do not match: {e.Message}", e);
        }
    }

    private static void CheckValidity(X509Certificate2 certificate, string path, DateTimeOffset now)
    {
        if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime())
            throw new TlsCertificateException($"certificate '{certificate.Subject}' in '{path}' expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC: issue a new one");
        if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
            throw new TlsCertificateException($"certificate '{certificate.Subject}' in '{path}' is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC (is this machine's clock right?)");
    }

    // A certificate without the extended key usage extension may be used for anything.
    private static void CheckUsage(X509Certificate2 certificate, string path, Usage usage)
    {
        var extension = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (extension is null)
            return;
        var oids = extension.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToHashSet();
        if (usage.HasFlag(Usage.Server) && !oids.Contains(ServerAuth))
            throw new TlsCertificateException($"certificate '{certificate.Subject}' in '{path}' is not allowed for TLS servers: its extended key usage lacks serverAuth (1.3.6.1.5.5.7.3.1)");
        if (usage.HasFlag(Usage.Client) && !oids.Contains(ClientAuth))
            throw new TlsCertificateException($"certificate '{certificate.Subject}' in '{path}' is not allowed for TLS clients: its extended key usage lacks clientAuth (1.3.6.1.5.5.7.3.2)");
    }

    private static bool IsPem(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[64];
        var read = file.Read(head);
        return System.Text.Encoding.ASCII.GetString(head[..read]).Contains("-----BEGIN", StringComparison.Ordinal);
    }

    private static void RequireFile(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new TlsCertificateException($"no {what} file given");
        if (!File.Exists(path))
            throw new TlsCertificateException($"{what} file '{path}' not found");
    }
}
