using System.Net;
using System.Text.Json;
using Discovery.Network.Latency;
using Discovery.Network.Topology;

namespace Discovery.Network.Emulation;

/// <summary>One emulated site: a PoP of the topology, the network namespace standing for it and its two addresses.</summary>
/// <param name="Name">The site name (the PoP's name in the topology).</param>
/// <param name="Namespace">The Linux network namespace of the site.</param>
/// <param name="WanAddress">The site's address on the emulated backbone: what its silo advertises; traffic to it is delayed.</param>
/// <param name="LanAddress">The site's address on the management bridge (reaching PostgreSQL without WAN delay).</param>
/// <param name="Latitude">Where the PoP is.</param>
/// <param name="Longitude">Where the PoP is.</param>
public sealed record EmulatedSite(string Name, string Namespace, string WanAddress, string LanAddress, double Latitude, double Longitude);

/// <summary>
/// The plan of an emulated backbone on one machine: which PoPs of a topology become sites, their namespaces and
/// addresses, and the one-way delay and rate of each site pair. Delay is fibre along the backbone at
/// <see cref="GeographicWan.FibreMsPerKmOneWay"/> (times <see cref="DelayScale"/>), so the RTT a probe measures
/// between two sites is what <see cref="GeographicWan"/> models, without access delays and jitter. A pair's rate is
/// its path's capacity in the topology times <see cref="RateScale"/> (a backbone's 10 Gb/s links do not fit through one
/// machine's relay), or <see cref="DefaultRateMbps"/> where the topology gives no capacity for the path.
/// </summary>
/// <param name="Name">The backbone's name, which prefixes its namespaces.</param>
/// <param name="Sites">The sites, in index order.</param>
/// <param name="OneWayDelayMs">Each directed pair's one-way delay [from][to], in ms.</param>
/// <param name="RateMbps">Each directed pair's rate [from][to], in Mb/s.</param>
/// <param name="DelayScale">What the fibre delays were multiplied by.</param>
/// <param name="DefaultRateMbps">The rate of pairs whose path has no known capacity.</param>
/// <param name="RateScale">What the paths' capacities were multiplied by.</param>
public sealed record EmulatedBackbone(
    string Name, IReadOnlyList<EmulatedSite> Sites, double[][] OneWayDelayMs, double[][] RateMbps, double DelayScale,
    double DefaultRateMbps, double RateScale)
{
    /// <summary>What a path's capacity is multiplied by unless told otherwise: 10 Gb/s becomes 100 Mb/s.</summary>
    public const double DefaultRateScale = 0.01;

    /// <summary>The management subnet (bridge): PostgreSQL and the sites' LAN addresses.</summary>
    public const string LanPrefix = "10.99.0.";

    /// <summary>The backbone subnet: the sites' WAN addresses, routed through the delaying relay.</summary>
    public const string WanPrefix = "10.98.0.";

    /// <summary>The address PostgreSQL listens on.</summary>
    public const string PostgresAddress = LanPrefix + "2";

    /// <summary>At most this many sites: addresses are .10 to .249 of a /24.</summary>
    public const int MaxSites = 240;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The namespace of PostgreSQL.</summary>
    public string PostgresNamespace => $"{Name}-pg";

    /// <summary>The namespace holding the bridge and the WAN relay.</summary>
    public string HubNamespace => $"{Name}-hub";

    /// <summary>The emulated RTT between two sites in ms (both one-way delays).</summary>
    public double RttMs(int a, int b) => OneWayDelayMs[a][b] + OneWayDelayMs[b][a];

    /// <summary>The index of the site with WAN address <paramref name="address"/>, or -1.</summary>
    public int IndexOfWanAddress(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes.Length == 4 ? IndexOfWanAddress(bytes) : -1;
    }

    /// <summary>The index of the site whose WAN address is the four bytes <paramref name="ipv4"/>, or -1.</summary>
    public int IndexOfWanAddress(ReadOnlySpan<byte> ipv4)
    {
        // WAN addresses are WanPrefix + (10 + index): no lookup table on the per-packet path.
        if (ipv4.Length != 4 || ipv4[0] != 10 || ipv4[1] != 98 || ipv4[2] != 0)
            return -1;
        var index = ipv4[3] - 10;
        return index >= 0 && index < Sites.Count ? index : -1;
    }

    /// <summary>
    /// Plans a backbone named <paramref name="name"/> (the prefix of its namespaces) over the PoPs
    /// <paramref name="siteNames"/> of <paramref name="topology"/>.
    /// </summary>
    public static EmulatedBackbone Plan(string name, BackboneTopology topology, IReadOnlyList<string> siteNames, double rateMbps, double delayScale = 1,
        double rateScale = DefaultRateScale)
    {
        if (!IsValidName(name))
            throw new ArgumentException($"backbone name '{name}' must be 1-10 lower-case letters or digits, starting with a letter (it prefixes namespace names)", nameof(name));
        if (siteNames.Count is < 1 or > MaxSites)
            throw new ArgumentException($"between 1 and {MaxSites} sites (got {siteNames.Count})", nameof(siteNames));
        if (siteNames.Distinct().Count() != siteNames.Count)
            throw new ArgumentException($"a site is named twice in {string.Join(", ", siteNames)}", nameof(siteNames));
        if (rateMbps <= 0 || delayScale < 0 || rateScale <= 0 || !double.IsFinite(rateScale))
            throw new ArgumentException($"rate and rate scale must be positive and delay scale not negative (got {rateMbps} Mb/s, rates ×{rateScale}, delays ×{delayScale})");
        var pops = topology.Pops.ToDictionary(p => p.Name);
        var unknown = siteNames.Where(s => !pops.ContainsKey(s)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"no PoP named {string.Join(", ", unknown)} in the topology (it has {string.Join(", ", pops.Keys.Order())})", nameof(siteNames));

        var sites = siteNames.Select((s, i) => new EmulatedSite(s, $"{name}-s{i}", WanPrefix + (10 + i), LanPrefix + (10 + i),
            pops[s].Location.Latitude, pops[s].Location.Longitude)).ToList();
        var delay = siteNames.Select(a => siteNames.Select(b =>
            a == b ? 0 : topology.FibreKm(a, b) * GeographicWan.FibreMsPerKmOneWay * delayScale).ToArray()).ToArray();
        var rate = siteNames.Select(a => siteNames.Select(b =>
            a != b && topology.PathBps(a, b) is { } bps ? bps / 1e6 * rateScale : rateMbps).ToArray()).ToArray();
        return new EmulatedBackbone(name, sites, delay, rate, delayScale, rateMbps, rateScale);
    }

    /// <summary>Whether <paramref name="name"/> can prefix namespace and interface names.</summary>
    public static bool IsValidName(string name) =>
        name.Length is >= 1 and <= 10 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9')) && char.IsAsciiLetter(name[0]);

    /// <summary>The plan as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A plan written by <see cref="ToJson"/>.</summary>
    public static EmulatedBackbone FromJson(string json) =>
        JsonSerializer.Deserialize<EmulatedBackbone>(json, Json) ?? throw new InvalidDataException("empty backbone plan");
}
