using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Discovery.Abstractions.Sites;
using Discovery.Client;
using Discovery.Silo.Infrastructure;
using Discovery.Testing;
using Discovery.Testing.Processes;
using Xunit;

namespace Discovery.Silo.Tests.Tls;

/// <summary>
/// The embedded demo run as a real process with TLS between its silos and from clients, client certificates
/// required: every site's silo in it talks to the others over TLS, and clients reach them through TCP gateways.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    public TestCertificates Ca { get; } = new();

    public ChildProcess Silo { get; private set; } = null!;

    public string ClusterId { get; } = $"tls-{Guid.NewGuid():N}";

    public int GatewayPort { get; private set; }

    public int SiloPort { get; private set; }

    public TestCertificates.Issued Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var silo = Ca.Issue("silo");
        Client = Ca.Issue("tenant-app", password: "client-secret");
        GatewayPort = FreePorts.TakeRange(8);
        SiloPort = FreePorts.TakeRange(8);
        Silo = ChildProcess.StartDotnet(SiloProgramFile.Path,
            "--silo-port", SiloPort.ToString(), "--gateway-port", GatewayPort.ToString(), "--cluster-id", ClusterId,
            // The console is a client of the cluster too: it connects over TLS with the silo's own certificate.
            "--console-port", FreePorts.Take().ToString(),
            "--tls-certificate", silo.Certificate, "--tls-key", silo.Key, "--tls-ca", Ca.AuthorityFile,
            "--tls-require-client-certificate", "true");
        await Silo.WaitForLineAsync("is running", TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Ca.Dispose();
    }

    public DiscoveryClientOptions Options(DiscoveryTlsOptions? tls, double connectSeconds = 30) => new()
    {
        Gateways = [$"127.0.0.1:{GatewayPort}"],
        ClusterId = ClusterId,
        Tls = tls,
        ConnectTimeout = TimeSpan.FromSeconds(connectSeconds),
        RetryDelay = TimeSpan.FromMilliseconds(500),
    };
}

public sealed class TlsClusterTests(TlsClusterFixture cluster) : IClassFixture<TlsClusterFixture>
{
    // A refused client keeps retrying until its connect timeout: a short one keeps the refusals quick.
    private const double RefusedWithin = 4;

    [Fact]
    public async Task The_banner_says_tls_is_on_and_the_console_connected_over_it()
    {
        var banner = await cluster.Silo.WaitForLineAsync("is running", TimeSpan.FromSeconds(5));

        Assert.Contains("TLS between silos and from clients (certificate CN=silo, client certificates required)", banner);
        Assert.Contains(cluster.Silo.Output, l => l.StartsWith("Console: http://", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_with_a_certificate_of_the_cluster_ca_reaches_every_site_silo_over_tls()
    {
        await using var client = await DiscoveryClient.ConnectAsync(cluster.Options(new DiscoveryTlsOptions
        {
            CertificateAuthority = cluster.Ca.AuthorityFile,
            Certificate = cluster.Client.Pfx,
            Password = cluster.Client.Password,
        }));
        var demo = InfrastructureFile.Load(Path.Combine(Path.GetDirectoryName(SiloProgramFile.Path)!, "demo-infrastructure.yaml"));

        // Each site grain lives on its own site's silo: answers from every site went silo to silo, over TLS.
        foreach (var site in demo.Sites)
            Assert.Equal(site.Nodes.Select(n => n.Name).Order(), (await client.Grains.GetGrain<ISiteGrain>(site.Name).GetNodeNamesAsync()).Order());
    }

    [Fact]
    public async Task The_silo_port_speaks_mutual_tls_only_to_certificates_of_the_cluster_ca()
    {
        using var own = X509CertificateLoader.LoadPkcs12FromFile(cluster.Client.Pfx, cluster.Client.Password);
        using var stranger = new TestCertificates("Stranger CA");
        var foreign = stranger.Issue("intruder");
        using var foreignCertificate = X509CertificateLoader.LoadPkcs12FromFile(foreign.Pfx, foreign.Password);

        var presented = await HandshakeAsync(cluster.SiloPort, own);

        Assert.Equal("CN=silo", presented);
        Assert.Equal("open", await OutcomeAsync(cluster.SiloPort, own));
        Assert.Equal("refused", await OutcomeAsync(cluster.SiloPort, null));
        Assert.Equal("refused", await OutcomeAsync(cluster.SiloPort, foreignCertificate));
    }

    // A raw TLS handshake with the silo port, as another silo would make; returns the subject the silo presented.
    private async Task<string> HandshakeAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "silo",
            ClientCertificates = certificate is null ? null : [certificate],
            ApplicationProtocols = [new SslApplicationProtocol("Orleans1")],
            RemoteCertificateValidationCallback = (_, remote, _, _) => remote is not null && remote.Issuer == cluster.Ca.Authority.Subject,
        });
        return tls.RemoteCertificate!.Subject;
    }

    // "open" when the silo keeps the TLS connection open (waiting for the Orleans preamble), "refused" when it fails
    // the handshake or closes the connection. With TLS 1.3 the server checks the client's certificate after the client
    // thinks the handshake is done: a refusal may only show on the first read.
    private static async Task<string> OutcomeAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "silo",
                ClientCertificates = certificate is null ? null : [certificate],
                ApplicationProtocols = [new SslApplicationProtocol("Orleans1")],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            return await tls.ReadAsync(new byte[1], wait.Token) == 0 ? "refused" : "open";
        }
        catch (OperationCanceledException)
        {
            return "open";
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return "refused";
        }
    }

    [Fact]
    public async Task A_plain_client_is_refused()
    {
        var error = await Assert.ThrowsAsync<DiscoveryConnectionException>(() => DiscoveryClient.ConnectAsync(cluster.Options(null, RefusedWithin)));

        Assert.Contains("does the cluster run without TLS", error.Message);
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_when_the_silos_require_one()
    {
        await Assert.ThrowsAsync<DiscoveryConnectionException>(() => DiscoveryClient.ConnectAsync(cluster.Options(
            new DiscoveryTlsOptions { CertificateAuthority = cluster.Ca.AuthorityFile }, RefusedWithin)));
    }

    [Fact]
    public async Task A_client_with_a_certificate_of_another_ca_is_refused()
    {
        using var stranger = new TestCertificates("Stranger CA");
        var foreign = stranger.Issue("intruder");

        await Assert.ThrowsAsync<DiscoveryConnectionException>(() => DiscoveryClient.ConnectAsync(cluster.Options(new DiscoveryTlsOptions
        {
            CertificateAuthority = cluster.Ca.AuthorityFile,
            Certificate = foreign.Certificate,
            Key = foreign.Key,
        }, RefusedWithin)));
    }

    [Fact]
    public async Task A_client_that_trusts_another_ca_refuses_the_gateway()
    {
        using var stranger = new TestCertificates("Stranger CA");

        await Assert.ThrowsAsync<DiscoveryConnectionException>(() => DiscoveryClient.ConnectAsync(cluster.Options(new DiscoveryTlsOptions
        {
            CertificateAuthority = stranger.AuthorityFile,
            Certificate = cluster.Client.Pfx,
            Password = cluster.Client.Password,
        }, RefusedWithin)));
    }

    [Fact]
    public async Task The_cli_reaches_the_cluster_with_its_tls_flags_and_not_without_them()
    {
        string[] common = ["--gateway", $"127.0.0.1:{cluster.GatewayPort}", "--cluster-id", cluster.ClusterId, "sites", "-o", "json"];
        var (output, error) = (new StringWriter(), new StringWriter());

        var exit = await Cli.CliApp.RunAsync([.. common, "--tls-ca", cluster.Ca.AuthorityFile, "--tls-certificate", cluster.Client.Certificate, "--tls-key", cluster.Client.Key],
            output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.NotEmpty(System.Text.Json.JsonDocument.Parse(output.ToString()).RootElement.EnumerateArray());
        Assert.Equal(Cli.CliApp.UsageError, await Cli.CliApp.RunAsync([.. common, "--tls-ca", "/nonexistent/ca.crt"], new StringWriter(), error));
        Assert.Contains("CA certificate file '/nonexistent/ca.crt' not found", error.ToString());
    }
}
