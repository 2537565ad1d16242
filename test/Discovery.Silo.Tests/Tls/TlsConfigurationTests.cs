using Discovery.Client;
using Discovery.Silo.Hosting;
using Discovery.Silo.Options;
using Discovery.Testing;
using Xunit;

namespace Discovery.Silo.Tests.Tls;

/// <summary>Bad TLS input stops the silo at start-up with one line that names the option and the problem.</summary>
public sealed class TlsConfigurationTests : IDisposable
{
    private readonly TestCertificates _ca = new();

    public void Dispose() => _ca.Dispose();

    private static string Problem(TlsSettings settings) => Assert.Throws<ConfigurationProblem>(() => SiloTls.Load(settings)).Message;

    [Fact]
    public void A_pem_certificate_with_its_key_file_and_the_cluster_ca_is_accepted_and_trusts_itself()
    {
        var silo = _ca.Issue("silo");

        var tls = SiloTls.Load(new TlsSettings { Certificate = silo.Certificate, Key = silo.Key, CertificateAuthority = _ca.AuthorityFile });

        Assert.NotNull(tls);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.Null(tls.Trust.Reject(tls.Certificate));
    }

    [Fact]
    public void A_password_protected_pfx_is_accepted_with_its_password_and_refused_with_a_wrong_one_or_none()
    {
        var silo = _ca.Issue("silo", password: "right");

        Assert.NotNull(SiloTls.Load(new TlsSettings { Certificate = silo.Pfx, Password = "right", CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("--tls-certificate: certificate file", Problem(new TlsSettings { Certificate = silo.Pfx, Password = "wrong", CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("the password is wrong", Problem(new TlsSettings { Certificate = silo.Pfx, Password = "wrong", CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("--tls-password", Problem(new TlsSettings { Certificate = silo.Pfx, CertificateAuthority = _ca.AuthorityFile }));
    }

    [Fact]
    public void An_encrypted_pem_key_needs_its_password()
    {
        var silo = _ca.Issue("silo", password: "right");

        Assert.NotNull(SiloTls.Load(new TlsSettings { Certificate = silo.Certificate, Key = silo.EncryptedKey, Password = "right", CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("is encrypted: give its password with --tls-password", Problem(new TlsSettings { Certificate = silo.Certificate, Key = silo.EncryptedKey, CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("the password is wrong", Problem(new TlsSettings { Certificate = silo.Certificate, Key = silo.EncryptedKey, Password = "wrong", CertificateAuthority = _ca.AuthorityFile }));
    }

    [Fact]
    public void A_missing_certificate_key_or_ca_file_is_named()
    {
        var silo = _ca.Issue("silo");

        Assert.Equal("--tls-certificate: certificate file '/nonexistent/silo.crt' not found",
            Problem(new TlsSettings { Certificate = "/nonexistent/silo.crt", CertificateAuthority = _ca.AuthorityFile }));
        Assert.Equal("--tls-certificate: key file '/nonexistent/silo.key' not found",
            Problem(new TlsSettings { Certificate = silo.Certificate, Key = "/nonexistent/silo.key", CertificateAuthority = _ca.AuthorityFile }));
        Assert.Equal("--tls-ca: CA certificate file '/nonexistent/ca.crt' not found",
            Problem(new TlsSettings { Certificate = silo.Certificate, Key = silo.Key, CertificateAuthority = "/nonexistent/ca.crt" }));
    }

    [Fact]
    public void A_certificate_without_its_key_or_with_another_key_is_refused()
    {
        var silo = _ca.Issue("silo");
        var other = _ca.Issue("other");

        Assert.Contains("holds no private key", Problem(new TlsSettings { Certificate = silo.Certificate, CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("does not match certificate", Problem(new TlsSettings { Certificate = silo.Certificate, Key = other.Key, CertificateAuthority = _ca.AuthorityFile }));
    }

    [Fact]
    public void An_expired_or_not_yet_valid_certificate_is_refused_with_its_dates()
    {
        var expired = _ca.Issue("expired", notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var future = _ca.Issue("future", notBefore: DateTimeOffset.UtcNow.AddDays(2), notAfter: DateTimeOffset.UtcNow.AddDays(30));

        Assert.Contains("certificate 'CN=expired'", Problem(new TlsSettings { Certificate = expired.Certificate, Key = expired.Key, CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains($"expired on {DateTimeOffset.UtcNow.AddDays(-1):yyyy-MM-dd}", Problem(new TlsSettings { Certificate = expired.Certificate, Key = expired.Key, CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("is not valid before", Problem(new TlsSettings { Certificate = future.Certificate, Key = future.Key, CertificateAuthority = _ca.AuthorityFile }));
    }

    [Fact]
    public void A_certificate_the_cluster_ca_did_not_issue_or_an_unlisted_thumbprint_is_refused_before_the_silo_starts()
    {
        using var stranger = new TestCertificates("Stranger CA");
        var foreign = stranger.Issue("foreign");
        var silo = _ca.Issue("silo");

        Assert.Contains("the other silos would refuse this silo's own certificate",
            Problem(new TlsSettings { Certificate = foreign.Certificate, Key = foreign.Key, CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("is not among the allowed thumbprints",
            Problem(new TlsSettings { Certificate = silo.Certificate, Key = silo.Key, AllowedThumbprints = foreign.Thumbprint }));
        // Pinning alone, without a CA, is enough when the silo's own thumbprint is listed (any case, with colons).
        var pinned = string.Join(':', silo.Thumbprint.ToLowerInvariant().Chunk(2).Select(c => new string(c)));
        Assert.NotNull(SiloTls.Load(new TlsSettings { Certificate = silo.Certificate, Key = silo.Key, AllowedThumbprints = $"{foreign.Thumbprint}, {pinned}" }));
    }

    [Fact]
    public void A_peer_certificate_out_of_its_validity_period_is_refused_by_a_ca_or_by_pinning()
    {
        var expired = _ca.Issue("expired-peer", notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(expired.Pfx, expired.Password);

        Assert.Contains("expired on", new TlsPeerTrust(null, [expired.Thumbprint]).Reject(certificate));
        Assert.NotNull(new TlsPeerTrust(TlsCertificates.LoadAuthorities(_ca.AuthorityFile), null).Reject(certificate));
    }

    [Fact]
    public void Tls_options_without_a_certificate_or_without_anything_to_trust_are_refused()
    {
        var silo = _ca.Issue("silo");

        Assert.Contains("--tls-certificate FILE", Problem(new TlsSettings { CertificateAuthority = _ca.AuthorityFile }));
        Assert.Contains("--tls-ca FILE", Problem(new TlsSettings { Certificate = silo.Certificate, Key = silo.Key }));
        Assert.Null(SiloTls.Load(new TlsSettings()));
    }

    [Fact]
    public void The_command_line_flags_reach_the_tls_settings_and_a_bad_file_stops_the_plan()
    {
        var silo = _ca.Issue("silo");
        var first = FreePorts.TakeRange(16);
        string[] ports = ["--silo-port", first.ToString(), "--gateway-port", (first + 8).ToString(), "--console-port", "0"];

        var plan = LaunchPlanner.Plan(SiloCommandLine.BuildConfiguration([.. ports, "--tls-certificate", silo.Pfx, "--tls-password", silo.Password,
            "--tls-ca", _ca.AuthorityFile, "--tls-require-client-certificate", "true"]));
        var problem = Assert.Throws<ConfigurationProblem>(() => LaunchPlanner.Plan(SiloCommandLine.BuildConfiguration([.. ports, "--tls-certificate", "/nonexistent.pem", "--tls-ca", _ca.AuthorityFile])));

        Assert.Equal(silo.Thumbprint, plan.Tls!.Certificate.Thumbprint);
        Assert.True(plan.Tls.Settings.RequireClientCertificate);
        Assert.Contains("'/nonexistent.pem' not found", problem.Message);
    }

    [Fact]
    public async Task The_sdk_reports_a_bad_tls_file_as_such_before_connecting()
    {
        var error = await Assert.ThrowsAsync<TlsCertificateException>(() => DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            Tls = new DiscoveryTlsOptions { CertificateAuthority = "/nonexistent/ca.crt" },
        }));

        Assert.Equal("CA certificate file '/nonexistent/ca.crt' not found", error.Message);
    }
}
