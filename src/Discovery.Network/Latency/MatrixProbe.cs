namespace Discovery.Network.Latency;

/// <summary>
/// An emulated WAN from an RTT matrix file: node ids are mapped to rows in the order they are first seen (or as
/// given), and every sample is that entry. Pairs the matrix did not measure give no sample.
/// </summary>
public sealed class MatrixProbe(RttMatrix matrix, string source) : IRttProbe
{
    private readonly Dictionary<string, int> _rows = [];

    /// <inheritdoc />
    public string Describe => $"emulated WAN from RTT matrix {source}";

    /// <inheritdoc />
    public Task<double?> MeasureAsync(ProbeTarget from, ProbeTarget to, CancellationToken cancellationToken = default)
    {
        int a, b;
        lock (_rows)
            (a, b) = (Row(from.Id), Row(to.Id));
        return Task.FromResult(a < 0 || b < 0 ? null : matrix.RttMs(a, b));
    }

    // Rows are handed out in order of first sight; nodes beyond the matrix's size get none.
    private int Row(string node)
    {
        if (_rows.TryGetValue(node, out var row))
            return row;
        if (_rows.Count >= matrix.Count)
            return -1;
        return _rows[node] = _rows.Count;
    }
}
