using System.Globalization;

namespace Discovery.Bench.Coordinates;

/// <summary>
/// <c>generate-matrix --model internet</c>: a synthetic RTT matrix shaped like a measured Internet one (PlanetLab,
/// King), much harder for coordinates than the geographic matrix. Hosts sit on a few continents (clustered, with
/// uneven weights); a pair's RTT is the great-circle fibre delay times a lognormal routing inflation, plus both hosts'
/// heavy-tailed access delays. A fraction of pairs take a detour (a 1.5–4× longer path) that breaks the triangle
/// inequality, each direction gets its own noise (the file is asymmetric, as measured matrices are) and a few entries
/// are missing (0). Everything comes from one <see cref="Random"/> seeded with the seed, drawn in a fixed order, so
/// the same seed gives the same file in every process.
/// </summary>
public static class InternetLikeMatrix
{
    // (latitude, longitude, spread in degrees, share of hosts): roughly where PlanetLab's hosts were.
    private static readonly (double Lat, double Lon, double Spread, double Share)[] Regions =
    [
        (40, -95, 12, 0.40),   // North America
        (49, 8, 6, 0.30),      // Europe
        (33, 125, 8, 0.15),    // East Asia
        (-25, 140, 6, 0.05),   // Australia
        (-20, -50, 8, 0.05),   // South America
        (22, 78, 5, 0.05),     // India
    ];

    private const double EarthRadiusKm = 6371;
    private const double FibreMsPerKmRoundTrip = 0.01;

    /// <summary>
    /// The knobs of the model. The defaults were tuned so that Serf's library scores about what it scores on PlanetLab
    /// (0.075 median / 0.33 p90 relative error): 0.084 / 0.33 on 400 nodes, seed 1. Detours drive the p90, the
    /// per-pair inflation the median.
    /// </summary>
    public sealed record Model
    {
        /// <summary>Median access delay (one host's share of every RTT), ms.</summary>
        public double AccessMedianMs { get; init; } = 2;

        /// <summary>Lognormal sigma of the access delay: a heavy tail of slow hosts.</summary>
        public double AccessSigma { get; init; } = 1.0;

        /// <summary>Median routing inflation over the great circle.</summary>
        public double InflationMedian { get; init; } = 1.4;

        /// <summary>Lognormal sigma of the routing inflation per pair.</summary>
        public double InflationSigma { get; init; } = 0.06;

        /// <summary>Fraction of pairs on a detour that breaks the triangle inequality.</summary>
        public double DetourFraction { get; init; } = 0.035;

        /// <summary>Relative noise of each direction (asymmetry), uniform ±.</summary>
        public double Asymmetry { get; init; } = 0.05;

        /// <summary>Fraction of directed entries not measured (written as 0).</summary>
        public double MissingFraction { get; init; } = 0.03;
    }

    /// <summary>Writes an <paramref name="count"/>-node matrix in ms to <paramref name="path"/>.</summary>
    public static void Save(string path, int count, int seed, Model? model = null)
    {
        var rtt = Generate(count, seed, model ?? new Model());
        using var writer = new StreamWriter(path);
        for (var i = 0; i < count; i++)
            writer.WriteLine(string.Join(' ', Enumerable.Range(0, count).Select(j => rtt[i, j].ToString("0.###", CultureInfo.InvariantCulture))));
    }

    /// <summary>The directed matrix in ms; entry (i, j) is i's measurement to j, 0 when missing or on the diagonal.</summary>
    public static double[,] Generate(int count, int seed, Model model)
    {
        var random = new Random(seed);
        var hosts = Enumerable.Range(0, count).Select(_ => Place(random)).ToArray();
        var access = hosts.Select(_ => model.AccessMedianMs * Math.Exp(model.AccessSigma * Gaussian(random))).ToArray();
        var rtt = new double[count, count];
        for (var i = 0; i < count; i++)
        {
            for (var j = i + 1; j < count; j++)
            {
                var inflation = model.InflationMedian * Math.Exp(model.InflationSigma * Gaussian(random));
                if (random.NextDouble() < model.DetourFraction)
                    inflation *= 1.5 + 2.5 * random.NextDouble();
                // At least 0.2 ms even for two hosts in one building.
                var path = Math.Max(FibreMsPerKmRoundTrip * GreatCircleKm(hosts[i], hosts[j]) * inflation, 0.2);
                var pair = path + access[i] + access[j];
                rtt[i, j] = Direction(pair, random, model);
                rtt[j, i] = Direction(pair, random, model);
            }
        }
        return rtt;
    }

    private static double Direction(double rttMs, Random random, Model model)
    {
        var noisy = rttMs * (1 + model.Asymmetry * (2 * random.NextDouble() - 1));
        return random.NextDouble() < model.MissingFraction ? 0 : noisy;
    }

    private static (double Lat, double Lon) Place(Random random)
    {
        var pick = random.NextDouble();
        var region = Regions[^1];
        foreach (var candidate in Regions)
        {
            if (pick < candidate.Share)
            {
                region = candidate;
                break;
            }
            pick -= candidate.Share;
        }
        return (Math.Clamp(region.Lat + region.Spread * Gaussian(random), -80, 80), region.Lon + 1.5 * region.Spread * Gaussian(random));
    }

    private static double GreatCircleKm((double Lat, double Lon) a, (double Lat, double Lon) b)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(b.Lat - a.Lat);
        var dLon = Radians(b.Lon - a.Lon);
        var h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(a.Lat)) * Math.Cos(Radians(b.Lat)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    // Box–Muller: a standard normal from two uniforms.
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
