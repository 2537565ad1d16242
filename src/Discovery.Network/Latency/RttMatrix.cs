using System.Globalization;

namespace Discovery.Network.Latency;

/// <summary>The unit of the numbers in an RTT matrix file.</summary>
public enum RttUnit
{
    /// <summary>Milliseconds.</summary>
    Milliseconds,

    /// <summary>Seconds.</summary>
    Seconds,
}

/// <summary>
/// Round-trip times measured between n nodes, read from a file of n lines of n whitespace-separated numbers (entry
/// (i, j): measured from i to j). A value of 0 or less off the diagonal means "not measured". Measurements may be
/// asymmetric: a pair's RTT is the mean of both directions where both were measured, else the one that was.
/// </summary>
public sealed class RttMatrix : IRttSource
{
    private readonly double[,] _rttMs;

    private RttMatrix(double[,] rttMs) => _rttMs = rttMs;

    /// <summary>How many nodes.</summary>
    public int Count => _rttMs.GetLength(0);

    /// <summary>The RTT between <paramref name="i"/> and <paramref name="j"/> in ms, or null when neither direction was measured.</summary>
    public double? RttMs(int i, int j) => i == j ? 0 : _rttMs[i, j] is var v && v > 0 ? v : null;

    /// <summary>Every measured pair once (i &lt; j).</summary>
    public IEnumerable<(int I, int J, double RttMs)> MeasuredPairs()
    {
        for (var i = 0; i < Count; i++)
            for (var j = i + 1; j < Count; j++)
                if (_rttMs[i, j] > 0)
                    yield return (i, j, _rttMs[i, j]);
    }

    /// <summary>Reads a matrix file; throws <see cref="InvalidDataException"/> naming the line and the problem.</summary>
    public static RttMatrix Load(string path, RttUnit unit) => Parse(File.ReadAllLines(path), unit, path);

    /// <summary>Parses the lines of a matrix; <paramref name="source"/> names it in errors.</summary>
    public static RttMatrix Parse(IReadOnlyList<string> lines, RttUnit unit, string source = "matrix")
    {
        var rows = lines.Where(l => l.Trim().Length > 0)
            .Select((line, index) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(field => double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                    ? v
                    : throw new InvalidDataException($"{source}: row {index + 1}: '{field}' is not a number"))
                .ToArray())
            .ToList();
        var n = rows.Count;
        if (n == 0)
            throw new InvalidDataException($"{source}: no rows");
        if (rows.FirstOrDefault(r => r.Length != n) is { } bad)
            throw new InvalidDataException($"{source}: row {rows.IndexOf(bad) + 1} has {bad.Length} values; a matrix of {n} rows needs {n} per row");
        var scale = unit == RttUnit.Seconds ? 1000.0 : 1.0;
        var rtt = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (i == j)
                    continue;
                var (there, back) = (rows[i][j], rows[j][i]);
                rtt[i, j] = there > 0 && back > 0 ? (there + back) / 2 * scale
                    : there > 0 ? there * scale
                    : back > 0 ? back * scale
                    : 0;
            }
        }
        return new RttMatrix(rtt);
    }

    /// <summary>Writes the matrix in the file format <see cref="Load"/> reads, in ms.</summary>
    public void Save(string path)
    {
        using var writer = new StreamWriter(path);
        for (var i = 0; i < Count; i++)
            writer.WriteLine(string.Join(' ', Enumerable.Range(0, Count).Select(j => _rttMs[i, j].ToString("0.####", CultureInfo.InvariantCulture))));
    }

    /// <summary>A matrix from a function of the pair, for generated topologies.</summary>
    public static RttMatrix From(int count, Func<int, int, double> rttMs)
    {
        var rtt = new double[count, count];
        for (var i = 0; i < count; i++)
            for (var j = 0; j < count; j++)
                rtt[i, j] = i == j ? 0 : rttMs(i, j);
        return new RttMatrix(rtt);
    }
}
