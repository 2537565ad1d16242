using System.Diagnostics;
using System.Globalization;
using Discovery.Abstractions.Coordinates;
using Discovery.Client;
using Discovery.Network.Emulation;

namespace Discovery.Emulate;

/// <summary>
/// Compares what the node agents learned with what the backbone emulates: for each pair of sites, the emulated RTT,
/// the RTT measured now (median TCP handshake from one site's namespace to the other's silo, as the agents' probe does
/// it), and the RTT their Vivaldi coordinates predict (median over node pairs); then the median relative error of the
/// predictions over all node pairs of different sites. Runs where the gateways are reachable
/// (inside a site's namespace: <c>emulate.sh exec SITE …</c>).
/// </summary>
internal static class CoordinatesCommand
{
    public static async Task<int> RunAsync(Arguments arguments)
    {
        var plan = EmulatedBackbone.FromJson(File.ReadAllText(arguments.Required("plan")));
        var wait = TimeSpan.FromSeconds(arguments.Number("wait", 0));
        var target = arguments.Number("max-error", double.PositiveInfinity);
        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
        {
            Gateways = plan.Sites.Select(s => $"{s.WanAddress}:30000").ToList(),
            ClusterId = plan.Name,
        });
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var comparison = await MeasureAsync(client, plan);
            var done = comparison.MedianError <= target || clock.Elapsed >= wait;
            if (done)
            {
                Print(comparison, plan);
                return comparison.MedianError <= target ? 0 : 1;
            }
            Console.Error.WriteLine($"{clock.Elapsed.TotalSeconds:0}s: median relative error {comparison.MedianError:0.000}, waiting for {target}");
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    private sealed record NodeView(string Node, int Site, NodeCoordinate Coordinate);

    private sealed record PairRow(int A, int B, double EmulatedMs, double? MeasuredMs, double VivaldiMs);

    private sealed record Comparison(IReadOnlyList<PairRow> Pairs, double MedianError, double P90Error, int NodePairs);

    private static async Task<Comparison> MeasureAsync(DiscoveryClient client, EmulatedBackbone plan)
    {
        var siteIndex = plan.Sites.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i);
        var loads = await client.Nodes.ListAsync();
        var nodes = await Task.WhenAll(loads.Select(async l =>
        {
            var grain = client.Grains.GetGrain<INodeLocalityGrain>(l.Node);
            return new NodeView(l.Node, siteIndex[l.Node.Split('/')[0]], (await grain.GetCoordinateAsync()).Coordinate);
        }));
        var measuredFrom = await Task.WhenAll(plan.Sites.Select(s =>
            RttCommand.MeasureFromAsync(s.Namespace, plan.Sites.Where(o => o != s).Select(o => $"{o.WanAddress}:11111"))));
        var errors = new List<double>();
        var rows = new List<PairRow>();
        for (var a = 0; a < plan.Sites.Count; a++)
            for (var b = a + 1; b < plan.Sites.Count; b++)
            {
                var emulated = plan.RttMs(a, b);
                var estimates = (from x in nodes where x.Site == a from y in nodes where y.Site == b select x.Coordinate.EstimateRttMs(y.Coordinate)).ToList();
                var measured = measuredFrom[a].TryGetValue($"{plan.Sites[b].WanAddress}:11111", out var ms) ? ms : (double?)null;
                errors.AddRange(estimates.Select(e => Math.Abs(e - emulated) / emulated));
                rows.Add(new PairRow(a, b, emulated, measured, estimates.Count > 0 ? Median(estimates) : double.NaN));
            }
        errors.Sort();
        return new Comparison(rows, errors.Count > 0 ? Median(errors) : double.NaN, errors.Count > 0 ? errors[(int)(0.9 * (errors.Count - 1))] : double.NaN, errors.Count);
    }

    private static void Print(Comparison comparison, EmulatedBackbone plan)
    {
        static string Ms(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine($"{"site pair",-32} {"emulated ms",12} {"measured ms",12} {"vivaldi ms",11} {"error",7} {"vs measured",12}");
        foreach (var row in comparison.Pairs)
        {
            var error = Math.Abs(row.VivaldiMs - row.EmulatedMs) / row.EmulatedMs;
            var fit = row.MeasuredMs is { } measured ? (Math.Abs(row.VivaldiMs - measured) / measured).ToString("0.000", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{plan.Sites[row.A].Name + " - " + plan.Sites[row.B].Name,-32} {Ms(row.EmulatedMs),12} {Ms(row.MeasuredMs),12} {Ms(row.VivaldiMs),11} {error,7:0.000} {fit,12}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median relative error {comparison.MedianError:0.000} (p90 {comparison.P90Error:0.000}) over {comparison.NodePairs} node pairs of different sites"));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
