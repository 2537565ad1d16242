using System.Diagnostics;
using System.Text.Json;
using Discovery.Network.Coordinates;
using Discovery.Network.Latency;

namespace Discovery.Bench.Coordinates;

/// <summary>
/// <c>nearest</c>: converges coordinates as <c>vivaldi</c> does, then runs spiral searches from random nodes toward
/// random target nodes, and compares what they return with an exhaustive scan of the coordinates and with the true k
/// nearest by measured RTT. Prints one JSON object.
/// </summary>
public static class NearestBenchmark
{
    /// <summary>Runs it and writes the JSON line.</summary>
    public static void Run(IRttSource network, int k, int queries, int rounds, int dimensions, int seed, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var simulation = new VivaldiSimulation(network, new VivaldiOptions { Dimensions = dimensions }, seed);
        simulation.Run(rounds);
        var random = new Random(seed + 1);
        var search = new SpiralSearch<int>();
        var n = network.Count;
        var (recallCoordinates, recallRtt, ratios, messages) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (var q = 0; q < queries; q++)
        {
            var start = random.Next(n);
            var target = random.Next(n);
            var targetCoordinate = simulation.CoordinateOf(target);
            var result = search.FindAsync(new PeerCoordinate<int>(start, simulation.CoordinateOf(start)), targetCoordinate, k,
                (node, view) => Task.FromResult(simulation.Answer(node, view, targetCoordinate)), peer => peer != target).GetAwaiter().GetResult();
            var found = result.Nearest.Select(p => p.Peer).ToHashSet();
            messages.Add(result.Messages);

            var byCoordinates = Enumerable.Range(0, n).Where(i => i != target)
                .OrderBy(i => simulation.CoordinateOf(i).EstimateRttMs(targetCoordinate)).Take(k).ToList();
            recallCoordinates.Add(byCoordinates.Count(found.Contains) / (double)byCoordinates.Count);

            var byRtt = Enumerable.Range(0, n).Where(i => i != target && network.RttMs(target, i) is not null)
                .OrderBy(i => network.RttMs(target, i)!.Value).Take(k).ToList();
            recallRtt.Add(byRtt.Count(found.Contains) / (double)byRtt.Count);
            var foundRtts = found.Select(i => network.RttMs(target, i)).OfType<double>().ToList();
            if (foundRtts.Count > 0)
                ratios.Add(foundRtts.Average() / byRtt.Average(i => network.RttMs(target, i)!.Value));
        }
        output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["nodes"] = n,
            ["k"] = k,
            ["queries"] = queries,
            ["recall_vs_coordinates"] = Math.Round(recallCoordinates.Average(), 4),
            ["recall_vs_rtt"] = Math.Round(recallRtt.Average(), 4),
            ["rtt_ratio"] = Math.Round(ratios.Average(), 4),
            ["mean_messages"] = Math.Round(messages.Average(), 2),
            ["p99_messages"] = VivaldiSimulation.Percentile(messages, 0.99),
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
        }));
    }
}
