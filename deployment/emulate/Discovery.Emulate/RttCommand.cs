using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Discovery.Emulate;

/// <summary>
/// <c>rtt --targets host:port,… [--count N]</c>: the median time a TCP handshake to each target takes from this
/// namespace, one line <c>host:port ms</c> each — what a node agent's <c>tcp</c> probe measures, without Vivaldi.
/// </summary>
internal static class RttCommand
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var count = (int)arguments.Number("count", 10);
        foreach (var target in arguments.Required("targets").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = target.LastIndexOf(':');
            var samples = new List<double>();
            for (var i = 0; i < count; i++)
            {
                using var client = new TcpClient { NoDelay = true };
                var clock = Stopwatch.StartNew();
                await client.ConnectAsync(target[..colon], int.Parse(target[(colon + 1)..], CultureInfo.InvariantCulture));
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
            samples.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target} {samples[samples.Count / 2]:0.000}"));
        }
        return 0;
    }

    /// <summary>Runs this command inside <paramref name="netns"/> and returns the median ms to each target.</summary>
    public static async Task<Dictionary<string, double>> MeasureFromAsync(string netns, IEnumerable<string> targets)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", netns, "dotnet", typeof(RttCommand).Assembly.Location, "rtt", "--targets", string.Join(',', targets) })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
    }
}
