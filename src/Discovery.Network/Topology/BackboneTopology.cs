using System.Globalization;
using System.Xml.Linq;

namespace Discovery.Network.Topology;

/// <summary>A point of presence of a backbone.</summary>
/// <param name="Name">A site name made from the PoP's label (lower case, '-' for anything else).</param>
/// <param name="Label">The label as the source wrote it.</param>
/// <param name="Location">Where it is.</param>
public sealed record Pop(string Name, string Label, GeoPoint Location);

/// <summary>
/// A backbone: PoPs with locations and the fibre links between them, read from an Internet Topology Zoo GraphML file or
/// a CSV list of sites. Fibre distances follow the links (shortest path, link length = great circle); PoPs the links do
/// not connect are assumed joined by a path <see cref="UnlinkedStretch"/> times the great circle. Where the file gives
/// links' capacities (Topology Zoo's <c>LinkSpeedRaw</c>, in bit/s), a pair's rate is the smallest capacity along that
/// shortest path.
/// </summary>
public sealed class BackboneTopology
{
    /// <summary>How much longer than the great circle a path is assumed where no links are known.</summary>
    public const double UnlinkedStretch = 1.5;

    private readonly double[,] _fibreKm;
    private readonly double?[,] _pathBps;
    private readonly Dictionary<string, int> _index;

    private BackboneTopology(IReadOnlyList<Pop> pops, IEnumerable<(int A, int B, double? Bps)> links)
    {
        Pops = pops;
        _index = pops.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i);
        (_fibreKm, _pathBps) = ShortestPaths(pops, links.ToList());
    }

    /// <summary>The PoPs, in file order.</summary>
    public IReadOnlyList<Pop> Pops { get; }

    /// <summary>Fibre distance between two PoPs along the backbone, in km.</summary>
    public double FibreKm(string a, string b) => _fibreKm[_index[a], _index[b]];

    /// <summary>
    /// The capacity of the path between two PoPs in bit/s: the smallest link capacity along the shortest fibre path;
    /// null when the PoPs are not linked, or a link on that path has no known capacity.
    /// </summary>
    public double? PathBps(string a, string b) => _pathBps[_index[a], _index[b]];

    /// <summary>
    /// Loads a topology: GraphML (Topology Zoo keys <c>label</c>, <c>Latitude</c>, <c>Longitude</c>) or CSV with a
    /// header naming <c>latitude</c>, <c>longitude</c> and <c>site_uid</c> or <c>name</c>. PoPs without a location
    /// are left out, with their links.
    /// </summary>
    public static BackboneTopology Load(string path) =>
        path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? LoadCsv(path) : LoadGraphMl(path);

    private static BackboneTopology LoadGraphMl(string path)
    {
        var doc = XDocument.Load(path);
        XNamespace ns = doc.Root!.Name.Namespace;
        Dictionary<string, string> Keys(string of) => doc.Root.Elements(ns + "key")
            .Where(k => (string?)k.Attribute("for") == of)
            .ToDictionary(k => (string)k.Attribute("attr.name")!, k => (string)k.Attribute("id")!);
        var (keys, edgeKeys) = (Keys("node"), Keys("edge"));
        string? Value(Dictionary<string, string> known, XElement element, string name) =>
            known.TryGetValue(name, out var id) ? element.Elements(ns + "data").FirstOrDefault(d => (string?)d.Attribute("key") == id)?.Value : null;
        string? Data(XElement node, string name) => Value(keys, node, name);
        double? Capacity(XElement edge) =>
            double.TryParse(Value(edgeKeys, edge, "LinkSpeedRaw"), CultureInfo.InvariantCulture, out var bps) && bps > 0 ? bps : null;

        var pops = new List<Pop>();
        var byId = new Dictionary<string, int>();
        var names = new HashSet<string>();
        foreach (var node in doc.Descendants(ns + "node"))
        {
            if (!double.TryParse(Data(node, "Latitude"), CultureInfo.InvariantCulture, out var lat) ||
                !double.TryParse(Data(node, "Longitude"), CultureInfo.InvariantCulture, out var lon))
                continue;
            var label = Data(node, "label") ?? (string)node.Attribute("id")!;
            var name = UniqueName(SiteNameOf(label), names);
            byId[(string)node.Attribute("id")!] = pops.Count;
            pops.Add(new Pop(name, label, new GeoPoint(lat, lon)));
        }
        var links = doc.Descendants(ns + "edge")
            .Select(e => (Source: (string)e.Attribute("source")!, Target: (string)e.Attribute("target")!, Bps: Capacity(e)))
            .Where(e => byId.ContainsKey(e.Source) && byId.ContainsKey(e.Target))
            .Select(e => (byId[e.Source], byId[e.Target], e.Bps));
        return pops.Count > 0 ? new BackboneTopology(pops, links) : throw new InvalidDataException($"{path}: no node with a latitude and longitude");
    }

    private static BackboneTopology LoadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        var header = SplitCsv(lines[0]).Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(params string[] names) => names.Select(n => header.IndexOf(n)).FirstOrDefault(i => i >= 0, -1);
        var (nameAt, latAt, lonAt) = (Column("site_uid", "name"), Column("latitude"), Column("longitude"));
        if (nameAt < 0 || latAt < 0 || lonAt < 0)
            throw new InvalidDataException($"{path}: the header needs site_uid (or name), latitude and longitude");
        var names = new HashSet<string>();
        var pops = lines.Skip(1).Select(SplitCsv)
            .Where(f => double.TryParse(f[latAt], CultureInfo.InvariantCulture, out _) && double.TryParse(f[lonAt], CultureInfo.InvariantCulture, out _))
            .Select(f => new Pop(UniqueName(SiteNameOf(f[nameAt]), names), f[nameAt],
                new GeoPoint(double.Parse(f[latAt], CultureInfo.InvariantCulture), double.Parse(f[lonAt], CultureInfo.InvariantCulture))))
            .ToList();
        return new BackboneTopology(pops, []);
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
                current.Append(c);
        }
        fields.Add(current.ToString());
        return fields;
    }

    /// <summary>A site name from a label: lower-case letters and digits, accents dropped, other runs of characters become '-'.</summary>
    public static string SiteNameOf(string label)
    {
        // Folded by hand: the product runs with invariant globalization, where string normalization is not available.
        var folded = string.Concat(label.ToLowerInvariant().Select(c => Accents.TryGetValue(c, out var plain) ? plain : c.ToString()));
        var words = System.Text.RegularExpressions.Regex.Split(folded, "[^a-z0-9]+").Where(w => w.Length > 0);
        var name = string.Join('-', words);
        return name.Length == 0 ? "pop" : char.IsAsciiLetter(name[0]) ? name : "pop-" + name;
    }

    private static readonly Dictionary<char, string> Accents = new[]
    {
        ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđ", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"), ("ìíîïĩīĭįı", "i"),
        ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"), ("ŕŗř", "r"), ("śŝşšș", "s"),
        ("ţťŧț", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"), ("æ", "ae"), ("œ", "oe"), ("ß", "ss"),
    }.SelectMany(g => g.Item1.Select(c => (c, g.Item2))).ToDictionary(x => x.c, x => x.Item2);

    private static string UniqueName(string name, HashSet<string> taken)
    {
        var unique = name;
        for (var i = 2; !taken.Add(unique); i++)
            unique = $"{name}-{i}";
        return unique;
    }

    // Floyd–Warshall on fibre length, carrying each path's bottleneck capacity along (null: a link of unknown
    // capacity is on it). Of two parallel links, the shorter is the path; of two equally long, the faster.
    private static (double[,] Km, double?[,] Bps) ShortestPaths(IReadOnlyList<Pop> pops, List<(int A, int B, double? Bps)> links)
    {
        var n = pops.Count;
        var d = new double[n, n];
        var bps = new double?[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                d[i, j] = i == j ? 0 : double.PositiveInfinity;
        foreach (var (a, b, capacity) in links)
        {
            if (a == b)
                continue;
            var km = pops[a].Location.DistanceKmTo(pops[b].Location);
            if (km < d[a, b] || km == d[a, b] && Faster(capacity, bps[a, b]))
            {
                d[a, b] = d[b, a] = km;
                bps[a, b] = bps[b, a] = capacity;
            }
        }
        for (var k = 0; k < n; k++)
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    if (d[i, k] + d[k, j] < d[i, j])
                    {
                        d[i, j] = d[i, k] + d[k, j];
                        bps[i, j] = bps[i, k] is { } first && bps[k, j] is { } second ? Math.Min(first, second) : null;
                    }
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                if (double.IsPositiveInfinity(d[i, j]))
                    d[i, j] = pops[i].Location.DistanceKmTo(pops[j].Location) * UnlinkedStretch;
        return (d, bps);
    }

    private static bool Faster(double? candidate, double? current) => candidate is { } c && (current is not { } k || c > k);
}
