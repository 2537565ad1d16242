using System.Net;
using System.Net.Sockets;
using Discovery.Network.Latency;

namespace Discovery.Network.Tests;

public sealed class ProbeTests
{
    private static readonly ProbeTarget ParisA = new("paris/a", "paris");
    private static readonly ProbeTarget ParisB = new("paris/b", "paris");
    private static readonly ProbeTarget LyonA = new("lyon/a", "lyon");

    [Fact]
    public async Task A_tcp_probe_times_a_real_connection_and_gives_no_sample_for_a_closed_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var live = new TcpListener(IPAddress.Loopback, 0);
        live.Start();
        var port = ((IPEndPoint)live.LocalEndpoint).Port;
        var probe = new TcpConnectProbe(TimeSpan.FromSeconds(2));

        var rtt = await probe.MeasureAsync(ParisA, ParisB with { Address = $"127.0.0.1:{port}" });
        var closed = await probe.MeasureAsync(ParisA, ParisB with { Address = $"127.0.0.1:{open}" });
        var none = await probe.MeasureAsync(ParisA, ParisB);

        Assert.NotNull(rtt);
        Assert.InRange(rtt.Value, 0.0001, 1000);
        Assert.Null(closed);
        Assert.Null(none);
    }

    [Fact]
    public async Task The_geographic_probe_puts_a_site_s_nodes_closer_to_each_other_than_to_another_site()
    {
        var sites = new Dictionary<string, GeoPoint> { ["paris"] = new(48.8566, 2.3522), ["lyon"] = new(45.764, 4.8357) };
        var probe = GeographicProbe.Over(sites, seed: 1);

        var local = await probe.MeasureAsync(ParisA, ParisB);
        var remote = await probe.MeasureAsync(ParisA, LyonA);

        Assert.True(local < 5, $"{local} ms inside paris");
        Assert.InRange(remote!.Value, 5.5, 12); // ≈ 392 km × 1.5 × 10 µs plus access links
        Assert.Equal(GeographicProbe.AccessMs("paris/a"), GeographicProbe.AccessMs("paris/a"));
        Assert.InRange(GeographicProbe.AccessMs("paris/a"), 0.1, 2.0);
    }

    [Fact]
    public async Task The_matrix_probe_maps_nodes_to_rows_in_order_of_first_sight()
    {
        var matrix = RttMatrix.Parse(["0 10 0", "10 0 30", "0 30 0"], RttUnit.Milliseconds);
        var probe = new MatrixProbe(matrix, "test");

        Assert.Equal(10, await probe.MeasureAsync(ParisA, ParisB));
        Assert.Equal(30, await probe.MeasureAsync(ParisB, LyonA));
        Assert.Null(await probe.MeasureAsync(ParisA, LyonA));                            // not measured
        Assert.Null(await probe.MeasureAsync(ParisA, new ProbeTarget("rennes/x", "rennes"))); // beyond the matrix
        Assert.Contains("test", probe.Describe);
    }
}
