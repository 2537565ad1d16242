using System.Diagnostics;

namespace Discovery.Chaos;

/// <summary>
/// A network namespace for one site's silo, joined to the host by a veth pair: the other silos and PostgreSQL are
/// reached at <see cref="HostAddress"/>, this site's silo at <see cref="SiteAddress"/>. Taking the host's end down
/// cuts the site off from everything, as a PoP whose uplink fails; bringing it up mends it. Needs root and iproute2.
/// </summary>
public sealed class SiteNetwork : IAsyncDisposable
{
    private SiteNetwork(string name, int subnet)
    {
        Namespace = name;
        (HostLink, SiteLink) = ($"{name}h", $"{name}s");
        // A /30 in 10.200.0.0/14, drawn at random, so that runs side by side do not collide.
        var (b, c) = (200 + subnet / 64 / 256, subnet / 64 % 256);
        var d = subnet % 64 * 4;
        (HostAddress, SiteAddress) = ($"10.{b}.{c}.{d + 1}", $"10.{b}.{c}.{d + 2}");
    }

    /// <summary>The namespace's name.</summary>
    public string Namespace { get; }

    /// <summary>The host's address on the link: where the site's silo finds the others and the database.</summary>
    public string HostAddress { get; }

    /// <summary>The site silo's address on the link.</summary>
    public string SiteAddress { get; }

    private string HostLink { get; }

    private string SiteLink { get; }

    /// <summary>Whether the link is down.</summary>
    public bool IsCut { get; private set; }

    /// <summary>Why this machine cannot build one, or null when it can.</summary>
    public static string? Missing()
    {
        if (Environment.UserName != "root")
            return "a site cut needs root (network namespaces)";
        return File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip") || File.Exists("/usr/bin/ip") ? null : "a site cut needs iproute2 (apt-get install iproute2)";
    }

    /// <summary>Creates the namespace and its link, up.</summary>
    public static async Task<SiteNetwork> CreateAsync()
    {
        var network = new SiteNetwork($"dch{Random.Shared.Next(0x1000000):x6}", Random.Shared.Next(4 * 256 * 64));
        var (ns, host, site) = (network.Namespace, network.HostLink, network.SiteLink);
        await IpAsync("netns", "add", ns);
        await IpAsync("link", "add", host, "type", "veth", "peer", "name", site);
        await IpAsync("link", "set", site, "netns", ns);
        await IpAsync("addr", "add", $"{network.HostAddress}/30", "dev", host);
        await IpAsync("link", "set", host, "up");
        await IpAsync("-n", ns, "addr", "add", $"{network.SiteAddress}/30", "dev", site);
        await IpAsync("-n", ns, "link", "set", site, "up");
        await IpAsync("-n", ns, "link", "set", "lo", "up");
        return network;
    }

    /// <summary>The command that runs <paramref name="program"/> inside the namespace.</summary>
    public IReadOnlyList<string> Wrap(string program) => ["ip", "netns", "exec", Namespace, program];

    /// <summary>Takes the link down: the site's silo reaches nobody, and nobody reaches it.</summary>
    public async Task CutAsync()
    {
        await IpAsync("link", "set", HostLink, "down");
        IsCut = true;
    }

    /// <summary>Brings the link up again.</summary>
    public async Task MendAsync()
    {
        await IpAsync("link", "set", HostLink, "up");
        IsCut = false;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await TryIpAsync("link", "del", HostLink); // removes both ends
        await TryIpAsync("netns", "del", Namespace);
    }

    private static async Task TryIpAsync(params string[] args)
    {
        try
        {
            await IpAsync(args);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task IpAsync(params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)} exited with {process.ExitCode}: {(await error).Trim()}");
    }
}
