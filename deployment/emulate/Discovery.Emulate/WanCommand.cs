using System.Diagnostics;
using Discovery.Network.Emulation;

namespace Discovery.Emulate;

/// <summary>
/// Runs the relay: creates one TUN device per site in this (the hub) namespace, moves each into its site's namespace as
/// <c>wan</c> with the site's WAN address and a route to the others through it, then relays until killed.
/// </summary>
internal static class WanCommand
{
    public static int Run(Arguments arguments)
    {
        var plan = EmulatedBackbone.FromJson(File.ReadAllText(arguments.Required("plan")));
        var devices = new List<TunDevice>();
        for (var i = 0; i < plan.Sites.Count; i++)
        {
            var site = plan.Sites[i];
            var device = TunDevice.Create($"wan{i}");
            devices.Add(device);
            Ip($"link set {device.Name} netns {site.Namespace}");
            Ip($"-n {site.Namespace} link set {device.Name} name wan");
            Ip($"-n {site.Namespace} addr add {site.WanAddress}/32 dev wan");
            Ip($"-n {site.Namespace} link set wan up");
            Ip($"-n {site.Namespace} route add {EmulatedBackbone.WanPrefix}0/24 dev wan src {site.WanAddress}");
        }
        var relay = new WanRelay(plan, devices);
        relay.Start();
        var rates = plan.RateMbps.SelectMany((row, a) => row.Where((_, b) => a != b)).DefaultIfEmpty(plan.DefaultRateMbps).ToList();
        Console.WriteLine($"relaying {plan.Sites.Count} sites at {rates.Min():0.##}–{rates.Max():0.##} Mb/s per pair (path capacities ×{plan.RateScale}, else {plan.DefaultRateMbps}), delays ×{plan.DelayScale}");
        if (arguments.Optional("ready") is { } ready)
            File.WriteAllText(ready, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var stop = new ManualResetEventSlim();
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
        while (!stop.Wait(TimeSpan.FromSeconds(30)))
            Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} relayed {relay.Relayed} packets, dropped {relay.Dropped}");
        Console.WriteLine($"stopping: relayed {relay.Relayed} packets, dropped {relay.Dropped}");
        return 0;
    }

    private static void Ip(string arguments)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", arguments) { RedirectStandardError = true })!;
        var error = ip.StandardError.ReadToEnd();
        ip.WaitForExit();
        if (ip.ExitCode != 0)
            throw new InvalidOperationException($"ip {arguments}: {error.Trim()}");
    }
}
